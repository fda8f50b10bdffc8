package org.deit4j.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** timm RandomResizedCropAndInterpolation.get_params: box bounds, area/ratio ranges, fallback. */
class RandomResizedCropTest {
  private static final Interpolation[] BICUBIC = {Interpolation.BICUBIC};

  @Test
  void boxesLieInsideAndRespectRanges() {
    RandomResizedCrop rrc = new RandomResizedCrop(224, BICUBIC);
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 5000; i++) {
      int w = 20 + rng.nextInt(600);
      int h = 20 + rng.nextInt(600);
      RandomResizedCrop.Box b = rrc.sampleBox(w, h, rng);
      assertTrue(b.top() >= 0 && b.left() >= 0, b.toString());
      assertTrue(b.top() + b.height() <= h && b.left() + b.width() <= w, b + " in " + w + "x" + h);
      assertTrue(b.width() > 0 && b.height() > 0);
    }
  }

  @Test
  void fallbackIsRatioClippedCentreCrop() {
    // Scale > 1 can never fit: all 10 attempts fail.
    RandomResizedCrop rrc = new RandomResizedCrop(32, 2.0, 3.0, 3.0 / 4.0, 4.0 / 3.0, BICUBIC);
    SplittableRandom rng = new SplittableRandom(1);
    assertEquals(new RandomResizedCrop.Box(0, 43, 10, 13), rrc.sampleBox(100, 10, rng));
    assertEquals(new RandomResizedCrop.Box(43, 0, 13, 10), rrc.sampleBox(10, 100, rng));
    assertEquals(new RandomResizedCrop.Box(0, 0, 40, 50), rrc.sampleBox(50, 40, rng));
  }

  @Test
  void outputIsSizeSquared() {
    Image src = AugmentFixtures.source("synth_64x48");
    Image out = new RandomResizedCrop(32, BICUBIC).apply(src, new SplittableRandom(5), Trace.NONE);
    assertEquals(32, out.width());
    assertEquals(32, out.height());
  }
}
