package org.deit4j.augment;

/**
 * PIL {@code ImageEnhance} (Brightness, Color, Contrast, Sharpness): {@code Image.blend(degenerate,
 * img, factor)} with the factor as float32 and truncation to uint8 (Pillow {@code ImagingBlend}).
 * torchvision's {@code adjust_brightness/contrast/saturation} on PIL images are these.
 */
public final class Enhance {
  /** SMOOTH kernel weights, each a float32 quotient as in Pillow's {@code _filter}. */
  private static final float K1 = 1f / 13f;

  private static final float K5 = 5f / 13f;

  private Enhance() {}

  /** {@code ImageEnhance.Brightness(img).enhance(factor)}: blend with black. */
  public static Image brightness(Image img, double factor) {
    return blendConstant(img, 0, (float) factor);
  }

  /**
   * {@code ImageEnhance.Contrast(img).enhance(factor)}: blend with the constant grey {@code
   * int(mean(L) + 0.5)} of this image.
   */
  public static Image contrast(Image img, double factor) {
    int[] l = Grayscale.lumaPlane(img);
    long[] hist = new long[256];
    for (int v : l) {
      hist[v]++;
    }
    long sum = 0;
    for (int i = 0; i < 256; i++) {
      sum += i * hist[i];
    }
    double mean = (double) sum / l.length; // ImageStat.mean: exact sum / count
    return blendConstant(img, (int) (mean + 0.5), (float) factor);
  }

  /** {@code ImageEnhance.Color(img).enhance(factor)}: blend with the L image (saturation). */
  public static Image color(Image img, double factor) {
    float alpha = (float) factor;
    if (alpha == 1f) {
      return copy(img);
    }
    return blend(Grayscale.toGray3(img).rgb(), img, alpha);
  }

  /** {@code ImageEnhance.Sharpness(img).enhance(factor)}: blend with the SMOOTH-filtered image. */
  public static Image sharpness(Image img, double factor) {
    float alpha = (float) factor;
    if (alpha == 1f) {
      return copy(img);
    }
    return blend(smooth(img), img, alpha);
  }

  /**
   * Pillow {@code ImageFilter.SMOOTH} (3x3, weights 1,1,1,1,5,1,1,1,1 over 13, float32, +0.5 then
   * truncation); border rows and columns are copied.
   */
  static byte[] smooth(Image img) {
    int w = img.width();
    int h = img.height();
    byte[] in = img.rgb();
    byte[] out = in.clone();
    if (w < 3 || h < 3) {
      return out;
    }
    int stride = w * 3;
    for (int y = 1; y < h - 1; y++) {
      int r0 = (y + 1) * stride; // Pillow's in1
      int r1 = y * stride; // in0
      int r2 = (y - 1) * stride; // in_1
      for (int x = 1; x < w - 1; x++) {
        for (int c = 0; c < 3; c++) {
          int i = x * 3 + c;
          float ss = 0.5f;
          ss +=
              ((in[r0 + i - 3] & 0xff) * K1 + (in[r0 + i] & 0xff) * K1)
                  + (in[r0 + i + 3] & 0xff) * K1;
          ss +=
              ((in[r1 + i - 3] & 0xff) * K1 + (in[r1 + i] & 0xff) * K5)
                  + (in[r1 + i + 3] & 0xff) * K1;
          ss +=
              ((in[r2 + i - 3] & 0xff) * K1 + (in[r2 + i] & 0xff) * K1)
                  + (in[r2 + i + 3] & 0xff) * K1;
          out[r1 + i] = (byte) (ss <= 0f ? 0 : (ss >= 255f ? 255 : (int) ss));
        }
      }
    }
    return out;
  }

  /** {@code Image.blend(deg, img, alpha)} with a per-pixel degenerate image. */
  static Image blend(byte[] deg, Image img, float alpha) {
    byte[] in = img.rgb();
    if (alpha == 0f) {
      return new Image(img.width(), img.height(), deg.clone());
    }
    if (alpha == 1f) {
      return copy(img);
    }
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = blendValue(deg[i] & 0xff, in[i] & 0xff, alpha);
    }
    return new Image(img.width(), img.height(), out);
  }

  /** {@code Image.blend} with a constant degenerate colour: one 256-entry table. */
  static Image blendConstant(Image img, int deg, float alpha) {
    if (alpha == 1f) {
      return copy(img);
    }
    byte[] lut = new byte[256];
    for (int v = 0; v < 256; v++) {
      lut[v] = alpha == 0f ? (byte) deg : blendValue(deg, v, alpha);
    }
    return PointOps.applyLut(img, lut, lut, lut);
  }

  /** One channel of Pillow's ImagingBlend, in float32. */
  static byte blendValue(int d, int v, float alpha) {
    float t = d + alpha * (v - d);
    if (alpha >= 0f && alpha <= 1f) {
      return (byte) (int) t;
    }
    return (byte) (t <= 0f ? 0 : (t >= 255f ? 255 : (int) t));
  }

  private static Image copy(Image img) {
    return new Image(img.width(), img.height(), img.rgb().clone());
  }
}
