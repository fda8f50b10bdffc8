package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SamplerTest {
  private static final JsonNode RA = Fixtures.json("rasampler.json");

  @ParameterizedTest
  @CsvSource({"0", "1"})
  void randpermMatchesTorch(int seed) {
    int[] expected = Fixtures.ints(RA.get("randperm").get("epoch" + seed));
    assertArrayEquals(expected, TorchRandom.randperm(600, seed));
  }

  @ParameterizedTest
  @CsvSource({"0,1,0", "0,2,0", "0,2,1", "1,1,0", "1,2,0", "1,2,1"})
  void repeatedAugMatchesDeit(int epoch, int replicas, int rank) {
    int[] expected =
        Fixtures.ints(
            RA.get("indices").get("epoch" + epoch + "_replicas" + replicas + "_rank" + rank));
    RepeatedAugSampler s = new RepeatedAugSampler(600, replicas, rank);
    JsonNode sizes = RA.get("sizes").get("replicas" + replicas);
    assertEquals(sizes.get("num_selected_samples").asInt(), s.length());
    assertEquals(sizes.get("num_samples").asInt(), s.numSamples());
    assertArrayEquals(expected, s.indices(epoch));
  }

  @Test
  void repeatedAugRejectsTinyDataset() {
    assertThrows(IllegalArgumentException.class, () -> new RepeatedAugSampler(255, 1, 0));
  }

  @Test
  void repeatedAugSeedShiftsEpoch() {
    // seed + epoch seeds the generator: (seed 1, epoch 0) == (seed 0, epoch 1).
    assertArrayEquals(
        new RepeatedAugSampler(600, 0, 1, 0, 3).indices(1),
        new RepeatedAugSampler(600, 1, 1, 0, 3).indices(0));
  }

  @Test
  void randomSamplerIsTorchPermutation() {
    RandomSampler s = new RandomSampler(600, 0);
    assertEquals(600, s.length());
    assertArrayEquals(Fixtures.ints(RA.get("randperm").get("epoch1")), s.indices(1));
  }

  @Test
  void randomSamplerReplicasPadAndPartition() {
    // 7 items over 3 replicas: padded to 9 with the permutation's head, strided by rank.
    int[] perm = TorchRandom.randperm(7, 5);
    int[] all = new int[9];
    for (int r = 0; r < 3; r++) {
      int[] part = new RandomSampler(7, 5, 3, r, false).indices(0);
      assertEquals(3, part.length);
      for (int i = 0; i < 3; i++) {
        all[r + 3 * i] = part[i];
      }
    }
    int[] expected = {
      perm[0], perm[1], perm[2], perm[3], perm[4], perm[5], perm[6], perm[0], perm[1]
    };
    assertArrayEquals(expected, all);
    // drop_last: 7 -> 6, two per replica
    assertEquals(2, new RandomSampler(7, 5, 3, 2, true).indices(0).length);
  }

  @Test
  void sequentialSplitCoversOnce() {
    int[] a = new SequentialSampler(5, 2, 0).indices(0);
    int[] b = new SequentialSampler(5, 2, 1).indices(0);
    assertArrayEquals(new int[] {0, 2, 4}, a);
    assertArrayEquals(new int[] {1, 3}, b);
    assertArrayEquals(new int[] {0, 1, 2}, new SequentialSampler(3).indices(7));
    assertEquals(0, Arrays.stream(new SequentialSampler(1, 2, 1).indices(0)).count());
  }
}
