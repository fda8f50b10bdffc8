package org.deit4j.augment;

/**
 * PIL {@code ImageFilter.GaussianBlur(radius)} (Pillow {@code BoxBlur.c}): not a sampled Gaussian
 * but three passes of an "extended box blur" along rows, then three along columns, each pass
 * rounded to uint8 — the blur DeiT-III's 3-Augment uses.
 */
public final class GaussianBlur {
  private static final int PASSES = 3;

  private GaussianBlur() {}

  /** Blurs with PIL's {@code radius} (standard deviation of the approximated Gaussian). */
  public static Image apply(Image img, double radius) {
    if (!(radius >= 0)) {
      throw new IllegalArgumentException("radius must be >= 0: " + radius);
    }
    int w = img.width();
    int h = img.height();
    byte[] buf = img.rgb().clone();
    if (radius == 0) {
      return new Image(w, h, buf);
    }
    float r = boxRadius((float) radius);
    int maxLen = Math.max(w, h);
    int[] line = new int[maxLen + 2];
    for (int p = 0; p < PASSES; p++) {
      for (int y = 0; y < h; y++) {
        for (int c = 0; c < 3; c++) {
          blurLine(buf, y * w * 3 + c, 3, w, r, line);
        }
      }
    }
    for (int p = 0; p < PASSES; p++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          blurLine(buf, x * 3 + c, w * 3, h, r, line);
        }
      }
    }
    return new Image(w, h, buf);
  }

  /**
   * Pillow {@code _gaussian_blur_radius}: the extended-box radius for one of 3 passes (float32).
   */
  static float boxRadius(float radius) {
    float sigma2 = radius * radius / PASSES;
    float bigL = (float) Math.sqrt(12.0 * sigma2 + 1.0);
    float l = (float) Math.floor((bigL - 1.0) / 2.0);
    float a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
    a /= 6 * (sigma2 - (l + 1) * (l + 1));
    return l + a;
  }

  /**
   * One extended box pass over {@code n} samples at {@code buf[off + i*step]}, in place; {@code
   * tmp} holds a copy of the line. Indices outside the line are clamped (edge replicate).
   */
  private static void blurLine(byte[] buf, int off, int step, int n, float radius, int[] tmp) {
    int ri = (int) radius;
    int ww = (int) (long) ((float) (1 << 24) / (radius * 2 + 1));
    int fw = ((1 << 24) - (ri * 2 + 1) * ww) / 2;
    for (int i = 0; i < n; i++) {
      tmp[i] = buf[off + i * step] & 0xff;
    }
    int last = n - 1;
    // Running sum over the clamped window [x - ri, x + ri].
    int acc = 0;
    for (int k = -ri; k <= ri; k++) {
      acc += tmp[clamp(k, last)];
    }
    for (int x = 0; x < n; x++) {
      int far = tmp[clamp(x - ri - 1, last)] + tmp[clamp(x + ri + 1, last)];
      int bulk = acc * ww + far * fw + (1 << 23); // < 2^32: read as unsigned
      buf[off + x * step] = (byte) (bulk >>> 24);
      acc += tmp[clamp(x + ri + 1, last)] - tmp[clamp(x - ri, last)];
    }
  }

  private static int clamp(int i, int last) {
    return i < 0 ? 0 : (i > last ? last : i);
  }
}
