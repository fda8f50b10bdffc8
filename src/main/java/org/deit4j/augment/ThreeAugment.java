package org.deit4j.augment;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * DeiT-III's 3-Augment ({@code new_data_aug_generator}, facebookresearch/deit {@code augment.py}):
 * {@code RandomChoice} of one of grayscale(3), solarize(128) or a Gaussian blur of radius {@code
 * U(0.1, 2)}, each applied with probability 1. The colour jitter that follows is a separate step.
 */
public final class ThreeAugment implements ImageTransform {
  private final double radiusMin;
  private final double radiusMax;

  /** DeiT-III defaults: blur radius in [0.1, 2.0]. */
  public ThreeAugment() {
    this(0.1, 2.0);
  }

  public ThreeAugment(double radiusMin, double radiusMax) {
    if (!(radiusMin >= 0 && radiusMin <= radiusMax)) {
      throw new IllegalArgumentException("bad blur radius range");
    }
    this.radiusMin = radiusMin;
    this.radiusMax = radiusMax;
  }

  @Override
  public Image apply(Image image, RandomGenerator rng, Trace trace) {
    switch (rng.nextInt(3)) {
      case 0 -> {
        trace.note("gray");
        return Grayscale.toGray3(image);
      }
      case 1 -> {
        trace.note("solarize");
        return PointOps.solarize(image, 128);
      }
      default -> {
        double radius = Draws.uniform(rng, radiusMin, radiusMax);
        if (trace != Trace.NONE) {
          trace.note(String.format(Locale.ROOT, "blur %.2f", radius));
        }
        return GaussianBlur.apply(image, radius);
      }
    }
  }
}
