package org.deit4j.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.deit4j.data.RandomSampler;
import org.deit4j.data.RepeatedAugSampler;
import org.deit4j.data.SequentialSampler;
import org.junit.jupiter.api.Test;

/**
 * How an epoch is shared between ranks: with repeated augmentation every index appears across the
 * ranks exactly as often as in deit's {@code RASampler} (fixture: deit's own index lists for two
 * replicas); without it, as in {@code DistributedSampler}; evaluation shards cover the test set
 * exactly once.
 */
class ShardingTest {
  private static JsonNode rasampler() throws IOException {
    try (InputStream in = ShardingTest.class.getResourceAsStream("/data/rasampler.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void repeatedAugCountsAcrossRanksMatchDeit() throws IOException {
    JsonNode f = rasampler();
    int len = f.get("dataset_len").asInt();
    for (int epoch = 0; epoch < 2; epoch++) {
      int[] want = new int[len];
      int[] got = new int[len];
      for (int rank = 0; rank < 2; rank++) {
        for (JsonNode i : f.get("indices").get("epoch" + epoch + "_replicas2_rank" + rank)) {
          want[i.asInt()]++;
        }
        for (int i : new RepeatedAugSampler(len, 2, rank).indices(epoch)) {
          got[i]++;
        }
      }
      assertArrayEquals(want, got, "epoch " + epoch);
    }
  }

  /** World sizes without a fixture: counts follow deit's definition (pad, stride, cut). */
  @Test
  void repeatedAugCountsFollowDeitsDefinitionForAnyWorldSize() {
    int len = 1000;
    int repeats = 3;
    for (int world : new int[] {1, 2, 3, 4, 8}) {
      int[] perm = org.deit4j.data.TorchRandom.randperm(len, 5L + 1);
      int numSamples = (int) Math.ceil(len * repeats / (double) world);
      int total = numSamples * world;
      int selected = (int) Math.floor(len / 256 * 256 / (double) world);
      int[] want = new int[len];
      for (int rank = 0; rank < world; rank++) {
        for (int i = 0; i < selected; i++) {
          int p = (rank + i * world) % total; // position in the padded, interleaved list
          want[perm[(p % (len * repeats)) / repeats]]++;
        }
      }
      int[] got = new int[len];
      for (int rank = 0; rank < world; rank++) {
        for (int i : new RepeatedAugSampler(len, 5L, world, rank, repeats).indices(1)) {
          got[i]++;
        }
      }
      assertArrayEquals(want, got, "world " + world);
    }
  }

  @Test
  void distributedRandomSamplerCoversTheEpochOncePlusPadding() {
    int len = 101;
    for (int world : new int[] {1, 2, 3, 4}) {
      int[] count = new int[len];
      for (int rank = 0; rank < world; rank++) {
        for (int i : new RandomSampler(len, 7L, world, rank, false).indices(3)) {
          count[i]++;
        }
      }
      int padded = (int) Math.ceil(len / (double) world) * world - len;
      int twice = 0;
      for (int c : count) {
        assertEquals(true, c == 1 || c == 2, "every index once, the padding twice");
        twice += c == 2 ? 1 : 0;
      }
      assertEquals(padded, twice, "world " + world);
    }
  }

  @Test
  void evaluationShardsCoverTheSetExactlyOnce() {
    for (int size : new int[] {0, 1, 2, 49, 50, 51}) {
      for (int world = 1; world <= 4; world++) {
        int[] count = new int[size];
        int total = 0;
        for (int rank = 0; rank < world; rank++) {
          SequentialSampler s = new SequentialSampler(size, world, rank);
          int[] idx = s.indices(0);
          assertEquals(s.length(), idx.length);
          total += idx.length;
          for (int i : idx) {
            count[i]++;
          }
        }
        assertEquals(size, total, size + "/" + world);
        for (int c : count) {
          assertEquals(1, c, size + "/" + world);
        }
      }
    }
  }
}
