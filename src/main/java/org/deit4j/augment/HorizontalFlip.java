package org.deit4j.augment;

import java.util.random.RandomGenerator;

/** torchvision {@code RandomHorizontalFlip(p)}: mirror the columns with probability p. */
public record HorizontalFlip(double p) implements ImageTransform {
  public HorizontalFlip {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("flip probability must be in [0, 1]: " + p);
    }
  }

  @Override
  public Image apply(Image image, RandomGenerator rng, Trace trace) {
    if (rng.nextDouble() < p) { // torch.rand(1) < p
      trace.note("hflip");
      return Geometry.hflip(image);
    }
    return image;
  }
}
