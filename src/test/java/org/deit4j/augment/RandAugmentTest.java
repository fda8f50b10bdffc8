package org.deit4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** timm RandAugment: config grammar, op list, selection with replacement, magnitude sampling. */
class RandAugmentTest {
  private static final int[] FILL = {124, 116, 104};
  private static final Image TINY = tiny();

  private static Image tiny() {
    byte[] px = new byte[8 * 8 * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 37);
    }
    return new Image(8, 8, px);
  }

  @Test
  void parsesDeitConfig() {
    RandAugmentConfig c = RandAugmentConfig.parse("rand-m9-mstd0.5-inc1");
    assertEquals(new RandAugmentConfig(9, 2, 0.5, 0, true, 0.5), c);
    assertEquals(10.0, c.upperBound());
  }

  @Test
  void parsesEveryKey() {
    RandAugmentConfig c = RandAugmentConfig.parse("rand-n3-m7-mstd101-mmax12-p0.7");
    assertEquals(7, c.magnitude());
    assertEquals(3, c.numLayers());
    assertEquals(Double.POSITIVE_INFINITY, c.magnitudeStd());
    assertEquals(12.0, c.upperBound());
    assertFalse(c.increasing());
    assertEquals(0.7, c.prob());
    // timm defaults, and timm's bool('0') == True quirk for 'inc'.
    assertEquals(new RandAugmentConfig(10, 2, 0, 0, false, 0.5), RandAugmentConfig.parse("rand"));
    assertTrue(RandAugmentConfig.parse("rand-inc0").increasing());
    // A section without a digit is skipped, as timm's re.split does.
    assertEquals(9, RandAugmentConfig.parse("rand-m9-foo").magnitude());
  }

  @Test
  void rejectsBadConfigs() {
    for (String s : new String[] {"augmix-m3", "rand-w0", "rand-x3", "rand-m9x", "rand-p1.5"}) {
      assertThrows(IllegalArgumentException.class, () -> RandAugmentConfig.parse(s), s);
    }
  }

  @Test
  void inc1OpListIsTimmsInOrder() {
    JsonNode ops = AugmentFixtures.manifest().get("rand_augment").get("per_source");
    ops = ops.get("synth_64x48").get("ops");
    RandAugmentOp[] ours = RandAugmentConfig.deit().ops();
    assertEquals(ops.size(), ours.length);
    for (int i = 0; i < ours.length; i++) {
      assertEquals(ops.get(i).asText(), ours[i].timmName());
      assertEquals(ours[i], RandAugmentOp.byTimmName(ops.get(i).asText()));
    }
  }

  @Test
  void drawsTwoOpsWithReplacementUniformly() {
    // p1: every drawn op is applied, so the trace shows every draw.
    RandAugment ra =
        new RandAugment(
            RandAugmentConfig.parse("rand-m9-mstd0.5-inc1-p1"), FILL, Interpolation.BICUBIC);
    Map<String, Integer> counts = new HashMap<>();
    int sameTwice = 0;
    int images = 3000;
    for (int seed = 0; seed < images; seed++) {
      Trace.Recorder rec = Trace.recorder();
      ra.apply(TINY, new SplittableRandom(seed), rec);
      List<String> labels = rec.labels();
      assertEquals(2, labels.size());
      String a = labels.get(0).split(" ")[0];
      String b = labels.get(1).split(" ")[0];
      counts.merge(a, 1, Integer::sum);
      counts.merge(b, 1, Integer::sum);
      if (a.equals(b)) {
        sameTwice++;
      }
    }
    assertEquals(15, counts.size(), counts.toString());
    for (var e : counts.entrySet()) {
      assertTrue(e.getValue() > 300 && e.getValue() < 500, e.toString()); // expected 400
    }
    // With replacement: P(same op twice) = 1/15 -> ~200 of 3000.
    assertTrue(sameTwice > 130 && sameTwice < 270, "same op twice: " + sameTwice);
  }

  @Test
  void eachOpAppliedWithProbabilityHalf() {
    RandAugment ra = new RandAugment(RandAugmentConfig.deit(), FILL, Interpolation.BICUBIC);
    int applied = 0;
    int images = 4000;
    for (int seed = 0; seed < images; seed++) {
      Trace.Recorder rec = Trace.recorder();
      ra.apply(TINY, new SplittableRandom(seed), rec);
      applied += rec.labels().size();
    }
    double perImage = (double) applied / images;
    assertTrue(perImage > 0.93 && perImage < 1.07, "ops per image " + perImage);
  }

  @Test
  void magnitudeIsGaussianAndClipped() {
    RandAugment deit = new RandAugment(RandAugmentConfig.deit(), FILL, Interpolation.BICUBIC);
    SplittableRandom rng = new SplittableRandom(7);
    double sum = 0;
    double sumSq = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      double m = deit.sampleMagnitude(rng);
      assertTrue(m >= 0 && m <= 10, "m " + m);
      sum += m;
      sumSq += m * m;
    }
    double mean = sum / n;
    double sd = Math.sqrt(sumSq / n - mean * mean);
    assertTrue(Math.abs(mean - 9) < 0.02, "mean " + mean);
    assertTrue(Math.abs(sd - 0.5) < 0.02, "sd " + sd);

    RandAugment wide =
        new RandAugment(RandAugmentConfig.parse("rand-m9-mstd5"), FILL, Interpolation.BICUBIC);
    int atTop = 0;
    int atZero = 0;
    for (int i = 0; i < 5000; i++) {
      double m = wide.sampleMagnitude(rng);
      assertTrue(m >= 0 && m <= 10);
      atTop += m == 10 ? 1 : 0;
      atZero += m == 0 ? 1 : 0;
    }
    assertTrue(atTop > 1000 && atZero > 100, atTop + " / " + atZero);

    RandAugment mmax =
        new RandAugment(
            RandAugmentConfig.parse("rand-m9-mstd5-mmax12"), FILL, Interpolation.BICUBIC);
    double max = 0;
    for (int i = 0; i < 5000; i++) {
      max = Math.max(max, mmax.sampleMagnitude(rng));
    }
    assertEquals(12.0, max);

    RandAugment uniform =
        new RandAugment(RandAugmentConfig.parse("rand-m9-mstd200"), FILL, Interpolation.BICUBIC);
    for (int i = 0; i < 2000; i++) {
      double m = uniform.sampleMagnitude(rng);
      assertTrue(m >= 0 && m < 9);
    }
  }

  @Test
  void signedOpsTakeBothSigns() {
    RandAugment ra =
        new RandAugment(RandAugmentConfig.parse("rand-m9-inc1-p1"), FILL, Interpolation.BICUBIC);
    int plus = 0;
    int minus = 0;
    for (int seed = 0; seed < 2000; seed++) {
      Trace.Recorder rec = Trace.recorder();
      ra.apply(TINY, new SplittableRandom(seed), rec);
      for (String l : rec.labels()) {
        plus += l.endsWith("+") ? 1 : 0;
        minus += l.endsWith("-") ? 1 : 0;
        if (l.startsWith("Invert") || l.startsWith("Posterize") || l.startsWith("Solarize")) {
          assertFalse(l.endsWith("+") || l.endsWith("-"), l);
        }
      }
    }
    assertTrue(plus > 900 && minus > 900 && Math.abs(plus - minus) < 250, plus + " / " + minus);
  }

  @Test
  void deterministicPerSeed() {
    RandAugment ra = new RandAugment(RandAugmentConfig.deit(), FILL, Interpolation.BICUBIC);
    Image a = ra.apply(TINY, new SplittableRandom(42), Trace.NONE);
    Image b = ra.apply(TINY, new SplittableRandom(42), Trace.NONE);
    assertEquals(a, b);
  }

  @Test
  void applyNamedForcesMagnitudeAndSign() {
    RandAugment ra = new RandAugment(RandAugmentConfig.deit(), FILL, Interpolation.BICUBIC);
    Image src = AugmentFixtures.source("synth_64x48");
    Image expected = AugmentFixtures.png("A/synth_64x48/Rotate_m9_neg.png");
    assertArrayEquals(expected.rgb(), ra.applyNamed(src, "Rotate", 9, -1).rgb());
    assertThrows(IllegalArgumentException.class, () -> ra.applyNamed(src, "Cutout", 9, 1));
  }
}
