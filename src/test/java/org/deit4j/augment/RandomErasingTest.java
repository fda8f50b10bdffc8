package org.deit4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Structural and statistical properties of timm's RandomErasing (fixture family G). */
class RandomErasingTest {
  private static final int C = 3;
  private static final int H = 40;
  private static final int W = 56;
  private static final float SENTINEL = 7.25f;

  private static float[] sentinel() {
    float[] t = new float[C * H * W];
    Arrays.fill(t, SENTINEL);
    return t;
  }

  @Test
  void pixelModeWritesOneRectangleOfFreshNormals() {
    RandomErasing re = new RandomErasing(1.0, RandomErasing.Mode.PIXEL);
    double sum = 0;
    double sumSq = 0;
    long n = 0;
    for (int seed = 0; seed < 300; seed++) {
      float[] t = sentinel();
      List<RandomErasing.Rect> rects = re.apply(t, C, H, W, new SplittableRandom(seed));
      if (rects.isEmpty()) {
        continue; // 10 attempts can all fail; rare
      }
      assertEquals(1, rects.size());
      RandomErasing.Rect r = rects.get(0);
      assertTrue(r.top() >= 0 && r.left() >= 0, r.toString());
      assertTrue(r.top() + r.h() <= H && r.left() + r.w() <= W, r.toString());
      assertTrue(r.h() < H && r.w() < W && r.h() > 0 && r.w() > 0, r.toString());
      double frac = (double) r.h() * r.w() / (H * W);
      assertTrue(frac >= 0.01 && frac <= 0.40, "area fraction " + frac);
      for (int c = 0; c < C; c++) {
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            float v = t[(c * H + y) * W + x];
            boolean inside =
                y >= r.top() && y < r.top() + r.h() && x >= r.left() && x < r.left() + r.w();
            if (inside) {
              assertNotEquals(SENTINEL, v);
              sum += v;
              sumSq += (double) v * v;
              n++;
            } else {
              assertEquals(SENTINEL, v, "outside the rectangle must be untouched");
            }
          }
        }
      }
      // Per channel and per pixel: the three channels of one pixel differ.
      int i = r.top() * W + r.left();
      assertNotEquals(t[i], t[H * W + i]);
    }
    double mean = sum / n;
    double var = sumSq / n - mean * mean;
    assertTrue(n > 50_000, "values " + n);
    assertTrue(Math.abs(mean) < 0.02, "mean " + mean);
    assertTrue(Math.abs(var - 1) < 0.03, "variance " + var);
  }

  @Test
  void probabilityIsAboutAQuarter() {
    RandomErasing re = new RandomErasing(0.25, RandomErasing.Mode.CONST);
    int erased = 0;
    int trials = 4000;
    for (int seed = 0; seed < trials; seed++) {
      if (!re.apply(sentinel(), C, H, W, new SplittableRandom(seed)).isEmpty()) {
        erased++;
      }
    }
    double p = (double) erased / trials;
    assertTrue(p > 0.21 && p < 0.29, "erased fraction " + p);
  }

  @Test
  void constAndRandModes() {
    float[] t = sentinel();
    RandomErasing.Rect r =
        new RandomErasing(1.0, RandomErasing.Mode.CONST)
            .apply(t, C, H, W, new SplittableRandom(3))
            .get(0);
    assertEquals(0f, t[(2 * H + r.top()) * W + r.left()]);

    float[] u = sentinel();
    RandomErasing.Rect q =
        new RandomErasing(1.0, RandomErasing.Mode.RAND)
            .apply(u, C, H, W, new SplittableRandom(4))
            .get(0);
    for (int c = 0; c < C; c++) {
      float first = u[(c * H + q.top()) * W + q.left()];
      float last = u[(c * H + q.top() + q.h() - 1) * W + q.left() + q.w() - 1];
      assertEquals(first, last, "one value per channel");
      assertNotEquals(SENTINEL, first);
    }
  }

  @Test
  void zeroProbabilityNeverErases() {
    float[] t = sentinel();
    assertTrue(
        new RandomErasing(0.0, RandomErasing.Mode.PIXEL)
            .apply(t, C, H, W, new SplittableRandom(1))
            .isEmpty());
    assertTrue(Arrays.equals(sentinel(), t));
  }

  @Test
  void validatesArguments() {
    assertThrows(IllegalArgumentException.class, () -> RandomErasing.Mode.parse("noise"));
    assertThrows(
        IllegalArgumentException.class, () -> new RandomErasing(1.5, RandomErasing.Mode.CONST));
    RandomErasing re = new RandomErasing(1.0, RandomErasing.Mode.CONST);
    assertThrows(
        IllegalArgumentException.class,
        () -> re.apply(new float[10], C, H, W, new SplittableRandom(1)));
  }
}
