package org.deit4j.augment;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A recipe made runnable: image steps, then ToTensor + Normalize, then optional random erasing
 * (torchvision {@code Compose([...image steps, ToTensor(), Normalize(), RandomErasing()])}).
 */
public final class Pipeline implements SampleTransform {
  private final List<ImageTransform> steps;
  private final Normalize normalize;
  private final RandomErasing erasing;
  private final int height;
  private final int width;

  /**
   * @param erasing may be null (no erasing)
   * @param height,width size every image has after {@code steps}
   */
  public Pipeline(
      List<ImageTransform> steps,
      Normalize normalize,
      RandomErasing erasing,
      int height,
      int width) {
    this.steps = List.copyOf(steps);
    this.normalize = normalize;
    this.erasing = erasing;
    this.height = height;
    this.width = width;
  }

  @Override
  public int[] outputShape() {
    return new int[] {3, height, width};
  }

  /** The normalisation used (for de-normalising previews). */
  public Normalize normalize() {
    return normalize;
  }

  @Override
  public float[] apply(Image image, RandomGenerator rng) {
    return apply(image, rng, Trace.NONE);
  }

  /** As {@link #apply(Image, RandomGenerator)}, reporting each random choice to {@code trace}. */
  public float[] apply(Image image, RandomGenerator rng, Trace trace) {
    Image img = applyImageSteps(image, rng, trace);
    if (img.width() != width || img.height() != height) {
      throw new IllegalArgumentException(
          "pipeline produced "
              + img.width()
              + "x"
              + img.height()
              + ", expected "
              + width
              + "x"
              + height
              + " (input "
              + image.width()
              + "x"
              + image.height()
              + ")");
    }
    float[] chw = normalize.apply(img);
    if (erasing != null) {
      for (RandomErasing.Rect r : erasing.apply(chw, 3, height, width, rng)) {
        if (trace != Trace.NONE) {
          trace.note("erase " + r.w() + "x" + r.h());
        }
      }
    }
    return chw;
  }

  /** The image stage alone (before ToTensor). */
  public Image applyImageSteps(Image image, RandomGenerator rng, Trace trace) {
    Image img = image;
    for (ImageTransform step : steps) {
      img = step.apply(img, rng, trace);
    }
    return img;
  }
}
