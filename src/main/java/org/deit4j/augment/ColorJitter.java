package org.deit4j.augment;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * torchvision {@code ColorJitter(brightness, contrast, saturation)} on PIL images: a fresh random
 * order of the adjustments per call ({@code torch.randperm(4)}), each factor drawn as float32 from
 * {@code U[max(0, 1-x), 1+x]}; adjustments are PIL {@code ImageEnhance} Brightness, Contrast (grey
 * level of the image as it is at that step) and Color. Hue is not ported.
 */
public final class ColorJitter implements ImageTransform {
  private final double brightness;
  private final double contrast;
  private final double saturation;

  /** Each strength {@code >= 0}; 0 disables that adjustment (torchvision: {@code None}). */
  public ColorJitter(double brightness, double contrast, double saturation) {
    if (!(brightness >= 0 && contrast >= 0 && saturation >= 0)) {
      throw new IllegalArgumentException("colour jitter strengths must be >= 0");
    }
    this.brightness = brightness;
    this.contrast = contrast;
    this.saturation = saturation;
  }

  /** The same strength for brightness, contrast and saturation (timm / DeiT-III usage). */
  public static ColorJitter uniform(double strength) {
    return new ColorJitter(strength, strength, strength);
  }

  /**
   * Applies pinned factors in the order of {@code fnIdx} (0 brightness, 1 contrast, 2 saturation, 3
   * hue — skipped); a NaN factor skips that adjustment.
   */
  public static Image applyFactors(
      Image img, int[] fnIdx, double brightness, double contrast, double saturation) {
    Image out = img;
    for (int fn : fnIdx) {
      if (fn == 0 && !Double.isNaN(brightness)) {
        out = Enhance.brightness(out, brightness);
      } else if (fn == 1 && !Double.isNaN(contrast)) {
        out = Enhance.contrast(out, contrast);
      } else if (fn == 2 && !Double.isNaN(saturation)) {
        out = Enhance.color(out, saturation);
      }
    }
    return out;
  }

  @Override
  public Image apply(Image image, RandomGenerator rng, Trace trace) {
    int[] order = {0, 1, 2, 3};
    for (int i = order.length - 1; i > 0; i--) { // random permutation
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    double b = factor(brightness, rng);
    double c = factor(contrast, rng);
    double s = factor(saturation, rng);
    if (trace != Trace.NONE && (brightness > 0 || contrast > 0 || saturation > 0)) {
      trace.note(String.format(Locale.ROOT, "jitter b%.2f c%.2f s%.2f", b, c, s));
    }
    return applyFactors(image, order, b, c, s);
  }

  private static double factor(double strength, RandomGenerator rng) {
    if (strength == 0) {
      return Double.NaN;
    }
    return (float) Draws.uniform(rng, Math.max(0, 1 - strength), 1 + strength);
  }
}
