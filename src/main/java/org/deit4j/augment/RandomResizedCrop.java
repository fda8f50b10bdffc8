package org.deit4j.augment;

import java.util.random.RandomGenerator;

/**
 * timm {@code RandomResizedCropAndInterpolation}: a random box of area {@code U(scale) * W*H} and
 * aspect ratio {@code exp(U(ln r0, ln r1))}, 10 attempts then a centre-crop fallback clipped to the
 * ratio range, resized to {@code size x size} with PIL's convolution resampler.
 */
public final class RandomResizedCrop implements ImageTransform {
  /** A crop box in source pixels. */
  public record Box(int top, int left, int height, int width) {}

  private final int size;
  private final double scaleMin;
  private final double scaleMax;
  private final double ratioMin;
  private final double ratioMax;
  private final Interpolation[] filters;

  /**
   * @param size output side
   * @param scaleMin,scaleMax area fraction range (timm default 0.08, 1.0)
   * @param ratioMin,ratioMax aspect ratio (w/h) range (default 3/4, 4/3)
   * @param filters resize filter(s); one is drawn per call (timm {@code 'random'})
   */
  public RandomResizedCrop(
      int size,
      double scaleMin,
      double scaleMax,
      double ratioMin,
      double ratioMax,
      Interpolation[] filters) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    if (!(scaleMin > 0 && scaleMin <= scaleMax)) {
      throw new IllegalArgumentException("bad scale range: " + scaleMin + ", " + scaleMax);
    }
    if (!(ratioMin > 0 && ratioMin <= ratioMax)) {
      throw new IllegalArgumentException("bad ratio range: " + ratioMin + ", " + ratioMax);
    }
    if (filters.length == 0) {
      throw new IllegalArgumentException("need at least one interpolation");
    }
    this.size = size;
    this.scaleMin = scaleMin;
    this.scaleMax = scaleMax;
    this.ratioMin = ratioMin;
    this.ratioMax = ratioMax;
    this.filters = filters.clone();
  }

  /** timm defaults: scale (0.08, 1), ratio (3/4, 4/3). */
  public RandomResizedCrop(int size, Interpolation[] filters) {
    this(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, filters);
  }

  /** timm {@code get_params}: the crop box for an image of {@code w x h}. */
  public Box sampleBox(int w, int h, RandomGenerator rng) {
    double area = (double) w * h;
    double logR0 = Math.log(ratioMin);
    double logR1 = Math.log(ratioMax);
    for (int attempt = 0; attempt < 10; attempt++) {
      double targetArea = Draws.uniform(rng, scaleMin, scaleMax) * area;
      double aspect = Math.exp(Draws.uniform(rng, logR0, logR1));
      int tw = Draws.roundHalfEven(Math.sqrt(targetArea * aspect));
      int th = Draws.roundHalfEven(Math.sqrt(targetArea / aspect));
      if (tw > 0 && th > 0 && tw <= w && th <= h) {
        int top = Draws.randint(rng, 0, h - th);
        int left = Draws.randint(rng, 0, w - tw);
        return new Box(top, left, th, tw);
      }
    }
    // Fallback to a central crop within the ratio range.
    double inRatio = (double) w / h;
    int cw;
    int ch;
    if (inRatio < ratioMin) {
      cw = w;
      ch = Draws.roundHalfEven(cw / ratioMin);
    } else if (inRatio > ratioMax) {
      ch = h;
      cw = Draws.roundHalfEven(ch * ratioMax);
    } else {
      cw = w;
      ch = h;
    }
    return new Box((h - ch) / 2, (w - cw) / 2, ch, cw);
  }

  /** torchvision {@code F.resized_crop(img, top, left, h, w, [size, size], filter)}. */
  public Image crop(Image img, Box box, Interpolation filter) {
    return Resize.resizedCrop(
        img, box.left(), box.top(), box.width(), box.height(), size, size, filter);
  }

  @Override
  public Image apply(Image image, RandomGenerator rng, Trace trace) {
    Box box = sampleBox(image.width(), image.height(), rng);
    Interpolation filter = Draws.choice(rng, filters);
    if (trace != Trace.NONE) {
      trace.note("rrc " + box.width() + "x" + box.height());
    }
    return crop(image, box, filter);
  }
}
