package org.deit4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The named recipes: shapes, determinism, DeiT/timm structure and option validation. */
class RecipesTest {
  private static final Image SYNTH = AugmentFixtures.source("synth_64x48");
  private static final Image FMNIST = AugmentFixtures.source("fmnist_train_0");

  private static boolean allFinite(float[] x) {
    for (float v : x) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void deitTrainShapeAndDeterminism() {
    Pipeline p = Recipes.deit(40).build();
    assertArrayEquals(new int[] {3, 40, 40}, p.outputShape());
    float[] a = p.apply(SYNTH, new SplittableRandom(9));
    float[] b = p.apply(SYNTH, new SplittableRandom(9));
    float[] c = p.apply(SYNTH, new SplittableRandom(10));
    assertEquals(3 * 40 * 40, a.length);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    assertTrue(allFinite(a));
  }

  @Test
  void deitTrainUsesRandAugmentNotColorJitter() {
    Pipeline p = Recipes.deit(40).build();
    boolean sawRa = false;
    for (int seed = 0; seed < 200; seed++) {
      Trace.Recorder rec = Trace.recorder();
      p.apply(SYNTH, new SplittableRandom(seed), rec);
      for (String l : rec.labels()) {
        assertFalse(l.startsWith("jitter"), "timm disables ColorJitter with RandAugment");
        sawRa |= Character.isUpperCase(l.charAt(0));
      }
      assertTrue(rec.labels().get(0).startsWith("rrc "), rec.labels().toString());
    }
    assertTrue(sawRa);
  }

  @Test
  void deitWithoutAutoAugmentJitters() {
    Recipe r = Recipes.deit(40);
    Recipe noAa =
        new Recipe(
            "deit", 40, r.mean(), r.std(), "", 0, r.remode(), 0.5, 0.3, "bicubic", 0.875, false);
    Trace.Recorder rec = Trace.recorder();
    noAa.build().apply(SYNTH, new SplittableRandom(1), rec);
    assertTrue(
        rec.labels().stream().anyMatch(l -> l.startsWith("jitter")), rec.labels().toString());
  }

  @Test
  void deitSmallInputsUseRandomCropWithPadding() {
    Pipeline p = Recipes.deit(28).build();
    Trace.Recorder rec = Trace.recorder();
    float[] out = p.apply(FMNIST, new SplittableRandom(2), rec);
    assertEquals(3 * 28 * 28, out.length);
    assertTrue(rec.labels().get(0).startsWith("crop@"), rec.labels().toString());
  }

  @Test
  void deit3AndSrcVariant() {
    Recipe d3 = Recipes.deit3(32);
    for (int seed = 0; seed < 30; seed++) {
      Trace.Recorder rec = Trace.recorder();
      float[] out = d3.build().apply(SYNTH, new SplittableRandom(seed), rec);
      assertEquals(3 * 32 * 32, out.length);
      List<String> l = rec.labels();
      assertTrue(
          l.stream()
              .anyMatch(s -> s.equals("gray") || s.equals("solarize") || s.startsWith("blur")),
          l.toString());
      assertTrue(l.stream().anyMatch(s -> s.startsWith("jitter")), l.toString());
    }
    Recipe src =
        new Recipe(
            "deit3", 32, d3.mean(), d3.std(), "", 0, d3.remode(), 0.5, 0.3, "bicubic", 0.875, true);
    Trace.Recorder rec = Trace.recorder();
    assertEquals(3 * 32 * 32, src.build().apply(SYNTH, new SplittableRandom(3), rec).length);
    assertTrue(rec.labels().get(0).startsWith("crop@"), rec.labels().toString());
  }

  @Test
  void evalResizesAndCentreCrops() {
    Pipeline p = Recipes.eval(40).build();
    Image expected =
        Geometry.centerCrop(Resize.resizeShorter(SYNTH, 45, Interpolation.BICUBIC), 40, 40);
    assertArrayEquals(Normalize.imagenet().apply(expected), p.apply(SYNTH, null));
  }

  @Test
  void smallEvalAndNoneAreNormalizeOnly() {
    assertArrayEquals(
        Normalize.imagenet().apply(FMNIST), Recipes.eval(28).build().apply(FMNIST, null));
    assertArrayEquals(
        Normalize.imagenet().apply(FMNIST), Recipes.none(28).build().apply(FMNIST, null));
    // Native-size eval cannot reshape a wrong-sized image.
    assertThrows(IllegalArgumentException.class, () -> Recipes.eval(28).build().apply(SYNTH, null));
    // `none` resizes to the requested size.
    assertEquals(3 * 16 * 16, Recipes.none(16).build().apply(SYNTH, null).length);
  }

  @Test
  void customNormalization() {
    Recipe r =
        Recipes.eval(28)
            .withNormalization(new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
    float[] out = r.build().apply(FMNIST, null);
    assertEquals((0f / 255f - 0.5f) / 0.5f, out[0]);
  }

  @Test
  void validatesOptions() {
    Recipe d = Recipes.deit(224);
    assertThrows(IllegalArgumentException.class, () -> Recipes.named("mixup", 224));
    assertThrows(IllegalArgumentException.class, () -> d.withInputSize(0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Recipe(
                "deit",
                224,
                d.mean(),
                d.std(),
                "rand-w0",
                0.25,
                d.remode(),
                0.5,
                0.3,
                "bicubic",
                0.875,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Recipe(
                "deit",
                224,
                d.mean(),
                d.std(),
                "",
                1.5,
                d.remode(),
                0.5,
                0.3,
                "bicubic",
                0.875,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Recipe(
                "deit",
                224,
                d.mean(),
                d.std(),
                "",
                0.2,
                d.remode(),
                0.5,
                0.3,
                "cubic",
                0.875,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Recipe(
                "eval",
                224,
                d.mean(),
                new double[] {0.2, 0, 0.2},
                "",
                0,
                d.remode(),
                0,
                0,
                "bicubic",
                0.875,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Recipe(
                "eval", 224, d.mean(), d.std(), "", 0, d.remode(), 0, 0, "bicubic", 1.2, false));
    assertEquals(d, Recipes.named("deit", 224));
    assertEquals("rand-m9-mstd0.5-inc1", d.autoAugment());
    assertEquals(0.25, d.reprob());
    assertEquals(RandomErasing.Mode.PIXEL, d.remode());
  }

  @Test
  void randomInterpolationRuns() {
    Recipe d = Recipes.deit(40);
    Recipe r =
        new Recipe(
            "deit",
            40,
            d.mean(),
            d.std(),
            d.autoAugment(),
            0.25,
            d.remode(),
            0.5,
            0.3,
            "random",
            0.875,
            false);
    for (int seed = 0; seed < 20; seed++) {
      assertEquals(3 * 40 * 40, r.build().apply(SYNTH, new SplittableRandom(seed)).length);
    }
  }
}
