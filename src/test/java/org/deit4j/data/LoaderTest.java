package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.bytedeco.javacpp.PointerScope;
import org.deit4j.augment.Image;
import org.deit4j.augment.SampleTransform;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// PointerScope frees the tensors each test makes; it is never referenced by name.
@SuppressWarnings("try")
class LoaderTest {
  @BeforeAll
  static void init() {
    Engine.init();
  }

  /** Image i is 2x2 filled with value i (mod 256); label i % 3; some indices undecodable. */
  static final class Synthetic implements Dataset {
    final int n;
    final Set<Integer> bad;

    Synthetic(int n, Set<Integer> bad) {
      this.n = n;
      this.bad = bad;
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public Image image(int i) {
      if (bad.contains(i)) {
        throw new DecodeException("img" + i, "corrupt", null);
      }
      byte[] rgb = new byte[12];
      java.util.Arrays.fill(rgb, (byte) i);
      return new Image(2, 2, rgb);
    }

    @Override
    public int label(int i) {
      return i % 3;
    }

    @Override
    public ClassMap classes() {
      return ClassMap.numbered(3);
    }
  }

  /** ToTensor-like: pixel / 255 plus a random offset from the sample's stream. */
  static class NoisyToTensor implements SampleTransform {
    @Override
    public int[] outputShape() {
      return new int[] {3, 2, 2};
    }

    @Override
    public float[] apply(Image image, RandomGenerator rng) {
      float[] out = new float[12];
      float noise = rng.nextFloat();
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 2; y++) {
          for (int x = 0; x < 2; x++) {
            out[c * 4 + y * 2 + x] = image.get(x, y, c) / 255f + noise;
          }
        }
      }
      return out;
    }
  }

  record Flat(float[] images, long[] labels, int[] indices) {}

  private static List<Flat> run(Loader loader, int epoch) {
    List<Flat> out = new ArrayList<>();
    try (Loader.EpochIterator it = loader.epoch(epoch)) {
      while (it.hasNext()) {
        try (PointerScope s = new PointerScope()) {
          Batch b = it.next();
          assertEquals(4, b.images().dim());
          long[] labels = new long[b.size()];
          for (int i = 0; i < labels.length; i++) {
            labels[i] = b.labels().get(i).item_long();
          }
          out.add(new Flat(Tensors.toFloats(b.images()), labels, b.indices()));
        }
      }
    }
    return out;
  }

  @Test
  void batchesDoNotDependOnThreadCount() {
    Synthetic ds = new Synthetic(50, Set.of());
    Sampler sampler = new RandomSampler(50, 3);
    Loader.Config cfg = Loader.Config.of(8).withSeed(11);
    List<List<Flat>> results = new ArrayList<>();
    for (int threads : new int[] {1, 3}) {
      try (Loader l = new Loader(ds, sampler, new NoisyToTensor(), cfg.withThreads(threads))) {
        results.add(run(l, 0));
        results.add(run(l, 1));
      }
    }
    for (int e = 0; e < 2; e++) {
      List<Flat> one = results.get(e);
      List<Flat> three = results.get(2 + e);
      assertEquals(7, one.size()); // 50 / 8 -> 6 full + 1 of 2
      assertEquals(one.size(), three.size());
      for (int b = 0; b < one.size(); b++) {
        assertArrayEquals(one.get(b).images(), three.get(b).images(), "epoch " + e + " batch " + b);
        assertArrayEquals(one.get(b).labels(), three.get(b).labels());
        assertArrayEquals(one.get(b).indices(), three.get(b).indices());
      }
    }
    // epochs differ (permutation and noise)
    assertNotEquals(
        java.util.Arrays.toString(results.get(0).get(0).indices()),
        java.util.Arrays.toString(results.get(1).get(0).indices()));
  }

  @Test
  void imagesLabelsAndOrderFollowTheSampler() {
    Synthetic ds = new Synthetic(10, Set.of());
    Sampler sampler = new RandomSampler(10, 0);
    int[] order = sampler.indices(2);
    try (Loader l = new Loader(ds, sampler, new NoisyToTensor(), Loader.Config.of(4))) {
      l.setEpoch(2);
      List<Flat> batches = new ArrayList<>();
      for (Batch b : l) {
        try (b) {
          long[] labels = new long[b.size()];
          for (int i = 0; i < labels.length; i++) {
            labels[i] = b.labels().get(i).item_long();
          }
          batches.add(new Flat(Tensors.toFloats(b.images()), labels, b.indices()));
        }
      }
      assertEquals(3, batches.size());
      assertEquals(2, batches.get(2).indices().length);
      int pos = 0;
      for (Flat f : batches) {
        for (int k = 0; k < f.indices().length; k++, pos++) {
          int idx = order[pos];
          assertEquals(idx, f.indices()[k]);
          assertEquals(idx % 3, f.labels()[k]);
          java.util.SplittableRandom rng =
              new java.util.SplittableRandom(Loader.sampleSeed(0, 2, pos));
          float expected = idx / 255f + rng.nextFloat();
          for (int j = 0; j < 12; j++) {
            assertEquals(expected, f.images()[k * 12 + j]);
          }
        }
      }
    }
  }

  @Test
  void dropLastDropsThePartialBatch() {
    Synthetic ds = new Synthetic(10, Set.of());
    Loader.Config cfg = Loader.Config.of(4).withThreads(2).withDropLast(true);
    try (Loader l = new Loader(ds, new SequentialSampler(10), new NoisyToTensor(), cfg)) {
      assertEquals(2, l.batchesPerEpoch());
      List<Flat> b = run(l, 0);
      assertEquals(2, b.size());
      assertArrayEquals(new int[] {4, 5, 6, 7}, b.get(1).indices());
    }
  }

  private static long loaderThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("deit4j-loader-") && t.isAlive())
        .count();
  }

  @Test
  void earlyCloseStopsAllWorkers() {
    Synthetic ds = new Synthetic(400, Set.of());
    Loader l =
        new Loader(
            ds,
            new SequentialSampler(400),
            new NoisyToTensor(),
            Loader.Config.of(4).withThreads(3).withPrefetchBatches(5));
    Loader.EpochIterator it = l.iterator();
    try (PointerScope s = new PointerScope()) {
      it.next();
    }
    assertTrue(loaderThreads() >= 1);
    l.close();
    assertFalse(it.hasNext());
    assertEquals(0, loaderThreads(), "loader threads left after close");
    assertThrows(IllegalStateException.class, l::iterator);
  }

  @Test
  void workerExceptionReachesConsumer() {
    Synthetic ds = new Synthetic(20, Set.of());
    SampleTransform broken =
        new NoisyToTensor() {
          @Override
          public float[] apply(Image image, RandomGenerator rng) {
            if (image.get(0, 0, 0) == 9) {
              throw new IllegalStateException("transform bug on 9");
            }
            return super.apply(image, rng);
          }
        };
    try (Loader l =
        new Loader(ds, new SequentialSampler(20), broken, Loader.Config.of(4).withThreads(2))) {
      Loader.EpochIterator it = l.iterator();
      try (PointerScope s = new PointerScope()) {
        it.next();
        it.next();
        DataLoadException e = assertThrows(DataLoadException.class, it::next);
        assertTrue(e.getMessage().contains("transform bug on 9"), e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException);
      }
      assertFalse(it.hasNext());
      // the loader stays usable for a new epoch
      assertTrue(l.epoch(1).hasNext());
    }
  }

  @Test
  void undecodableImageIsReplacedByTheNextIndex() {
    Synthetic ds = new Synthetic(12, Set.of(3, 4));
    try (Loader l =
        new Loader(
            ds,
            new SequentialSampler(12),
            new NoisyToTensor(),
            Loader.Config.of(6).withThreads(3))) {
      List<Flat> b = run(l, 0);
      assertArrayEquals(new int[] {0, 1, 2, 5, 5, 5}, b.get(0).indices());
      assertEquals(2, b.get(0).labels()[3]); // label of the replacement, 5 % 3
      assertEquals(2, l.failures().failures()); // each bad index tried once
      run(l, 1);
      assertEquals(2, l.failures().failures()); // remembered, not retried
      assertEquals(2, l.failures().failedSources(10).size());
    }
  }

  @Test
  void tooManyConsecutiveFailuresAbort() {
    Synthetic ds = new Synthetic(12, Set.of(3, 4, 5));
    Loader.Config cfg = Loader.Config.of(6).withDecodePolicy(new DecodePolicy(3, 1.0, 1));
    try (Loader l = new Loader(ds, new SequentialSampler(12), new NoisyToTensor(), cfg)) {
      DataLoadException e = assertThrows(DataLoadException.class, () -> run(l, 0));
      assertTrue(e.getMessage().contains("3 consecutive"), e.getMessage());
    }
  }

  @Test
  void failureRatioAborts() {
    Set<Integer> bad = new java.util.HashSet<>();
    for (int i = 0; i < 40; i += 2) {
      bad.add(i);
    }
    // Every other image broken, each replaced by its good neighbour: per two positions three
    // attempts, one failure (ratio 1/3 > 0.25). One thread, so the attempt sequence is fixed:
    // f ok ok f ok ok f ok ok f -> the 10th attempt is the 4th failure and the check fires.
    Loader.Config cfg =
        Loader.Config.of(8).withThreads(1).withDecodePolicy(new DecodePolicy(20, 0.25, 10));
    try (Loader l =
        new Loader(new Synthetic(40, bad), new SequentialSampler(40), new NoisyToTensor(), cfg)) {
      DataLoadException e = assertThrows(DataLoadException.class, () -> run(l, 0));
      assertTrue(e.getMessage().contains("4 of 10 images failed to decode"), e.getMessage());
    }
  }

  @Test
  void sampleSeedsAreDistinct() {
    Set<Long> seen = new java.util.HashSet<>();
    for (int e = 0; e < 10; e++) {
      for (int p = 0; p < 1000; p++) {
        assertTrue(seen.add(Loader.sampleSeed(0, e, p)));
      }
    }
    assertNotEquals(Loader.sampleSeed(0, 0, 0), Loader.sampleSeed(1, 0, 0));
  }
}
