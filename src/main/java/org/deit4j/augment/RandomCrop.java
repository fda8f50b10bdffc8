package org.deit4j.augment;

import java.util.random.RandomGenerator;

/**
 * torchvision {@code RandomCrop(size, padding, padding_mode)}: pad every side, then a uniformly
 * placed {@code size x size} window (DeiT's CIFAR path with zero padding; DeiT-III's {@code --src}
 * with reflect padding).
 */
public final class RandomCrop implements ImageTransform {
  private final int size;
  private final int padding;
  private final Geometry.PadMode mode;
  private static final int[] BLACK = {0, 0, 0};

  public RandomCrop(int size, int padding, Geometry.PadMode mode) {
    if (size <= 0 || padding < 0) {
      throw new IllegalArgumentException("bad RandomCrop size/padding: " + size + "/" + padding);
    }
    this.size = size;
    this.padding = padding;
    this.mode = mode;
  }

  /** Pads, then crops at {@code (top, left)} in padded coordinates (torchvision get_params). */
  public Image crop(Image img, int top, int left) {
    Image padded = Geometry.pad(img, padding, mode, BLACK);
    return Geometry.crop(padded, left, top, size, size);
  }

  @Override
  public Image apply(Image image, RandomGenerator rng, Trace trace) {
    int pw = image.width() + 2 * padding;
    int ph = image.height() + 2 * padding;
    if (pw < size || ph < size) {
      throw new IllegalArgumentException(
          "RandomCrop " + size + " larger than padded image " + pw + "x" + ph);
    }
    int top = Draws.randint(rng, 0, ph - size);
    int left = Draws.randint(rng, 0, pw - size);
    if (trace != Trace.NONE) {
      trace.note("crop@" + left + "," + top);
    }
    return crop(image, top, left);
  }
}
