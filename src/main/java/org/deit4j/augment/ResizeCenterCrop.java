package org.deit4j.augment;

import java.util.random.RandomGenerator;

/**
 * timm's eval transform geometry ({@code transforms_imagenet_eval}, default centre mode): {@code
 * Resize(floor(size / crop_pct))} on the shorter side, then {@code CenterCrop(size)}. With {@code
 * crop_pct = 0.875}, 224 becomes resize 256 + crop 224.
 */
public record ResizeCenterCrop(int size, double cropPct, Interpolation filter)
    implements ImageTransform {
  public ResizeCenterCrop {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    if (!(cropPct > 0 && cropPct <= 1)) {
      throw new IllegalArgumentException("crop_pct must be in (0, 1]: " + cropPct);
    }
    if (filter == Interpolation.NEAREST) {
      throw new IllegalArgumentException("NEAREST resize is not implemented");
    }
  }

  /** {@code floor(size / crop_pct)}: the shorter side after resizing. */
  public int scaleSize() {
    return (int) Math.floor(size / cropPct);
  }

  /** The resize step alone (the fixtures' {@code EvalResize}). */
  public Image resize(Image image) {
    return Resize.resizeShorter(image, scaleSize(), filter);
  }

  @Override
  public Image apply(Image image, RandomGenerator rng, Trace trace) {
    return Geometry.centerCrop(resize(image), size, size);
  }
}
