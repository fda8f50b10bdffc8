package org.deit4j.augment;

/**
 * Per-channel lookup-table ops of PIL {@code ImageOps} ({@code Image.point}; table entries clamped
 * to [0, 255]): invert, posterize, solarize, timm's {@code solarize_add}, autocontrast, equalize.
 */
public final class PointOps {
  private PointOps() {}

  /** Applies one 256-entry table per channel. */
  public static Image applyLut(Image img, byte[] lr, byte[] lg, byte[] lb) {
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    for (int s = 0; s < in.length; s += 3) {
      out[s] = lr[in[s] & 0xff];
      out[s + 1] = lg[in[s + 1] & 0xff];
      out[s + 2] = lb[in[s + 2] & 0xff];
    }
    return new Image(img.width(), img.height(), out);
  }

  private static Image applyLut(Image img, int[] lut) {
    byte[] b = toBytes(lut);
    return applyLut(img, b, b, b);
  }

  private static byte[] toBytes(int[] lut) {
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      b[i] = (byte) Math.max(0, Math.min(255, lut[i]));
    }
    return b;
  }

  /** {@code ImageOps.invert}: {@code 255 - v}. */
  public static Image invert(Image img) {
    int[] lut = new int[256];
    for (int i = 0; i < 256; i++) {
      lut[i] = 255 - i;
    }
    return applyLut(img, lut);
  }

  /** {@code ImageOps.posterize(img, bits)}: keep the top {@code bits} bits (>= 8: identity). */
  public static Image posterize(Image img, int bits) {
    if (bits >= 8) {
      return new Image(img.width(), img.height(), img.rgb().clone());
    }
    if (bits < 0) {
      throw new IllegalArgumentException("bits must be >= 0: " + bits);
    }
    int mask = ~((1 << (8 - bits)) - 1);
    int[] lut = new int[256];
    for (int i = 0; i < 256; i++) {
      lut[i] = i & mask;
    }
    return applyLut(img, lut);
  }

  /** {@code ImageOps.solarize(img, threshold)}: {@code v < t ? v : 255 - v}. */
  public static Image solarize(Image img, int threshold) {
    int[] lut = new int[256];
    for (int i = 0; i < 256; i++) {
      lut[i] = i < threshold ? i : 255 - i;
    }
    return applyLut(img, lut);
  }

  /** timm {@code solarize_add(img, add, thresh)}: {@code v < t ? min(255, v + add) : v}. */
  public static Image solarizeAdd(Image img, int add, int threshold) {
    int[] lut = new int[256];
    for (int i = 0; i < 256; i++) {
      lut[i] = i < threshold ? Math.min(255, i + add) : i;
    }
    return applyLut(img, lut);
  }

  private static int[][] histograms(Image img) {
    int[][] h = new int[3][256];
    byte[] in = img.rgb();
    for (int s = 0; s < in.length; s += 3) {
      h[0][in[s] & 0xff]++;
      h[1][in[s + 1] & 0xff]++;
      h[2][in[s + 2] & 0xff]++;
    }
    return h;
  }

  /** {@code ImageOps.autocontrast(img)} (cutoff 0): stretch each channel's [lo, hi] to [0, 255]. */
  public static Image autocontrast(Image img) {
    int[][] hist = histograms(img);
    byte[][] luts = new byte[3][];
    for (int c = 0; c < 3; c++) {
      int[] h = hist[c];
      int lo = 0;
      while (lo < 255 && h[lo] == 0) {
        lo++;
      }
      int hi = 255;
      while (hi > 0 && h[hi] == 0) {
        hi--;
      }
      int[] lut = new int[256];
      if (hi <= lo) {
        for (int i = 0; i < 256; i++) {
          lut[i] = i;
        }
      } else {
        double scale = 255.0 / (hi - lo);
        double offset = -lo * scale;
        for (int i = 0; i < 256; i++) {
          lut[i] = (int) (i * scale + offset);
        }
      }
      luts[c] = toBytes(lut);
    }
    return applyLut(img, luts[0], luts[1], luts[2]);
  }

  /**
   * {@code ImageOps.equalize(img)}: per channel, {@code step = (N - count(max value)) // 255}, then
   * {@code lut[i] = (step//2 + cumulative(i-1)) // step}, clamped.
   */
  public static Image equalize(Image img) {
    int[][] hist = histograms(img);
    byte[][] luts = new byte[3][];
    for (int c = 0; c < 3; c++) {
      int[] h = hist[c];
      long total = 0;
      long last = 0;
      int nonZero = 0;
      for (int i = 0; i < 256; i++) {
        if (h[i] != 0) {
          total += h[i];
          last = h[i];
          nonZero++;
        }
      }
      int[] lut = new int[256];
      long step = nonZero <= 1 ? 0 : (total - last) / 255;
      if (step == 0) {
        for (int i = 0; i < 256; i++) {
          lut[i] = i;
        }
      } else {
        long n = step / 2;
        for (int i = 0; i < 256; i++) {
          lut[i] = (int) Math.min(n / step, 255);
          n += h[i];
        }
      }
      luts[c] = toBytes(lut);
    }
    return applyLut(img, luts[0], luts[1], luts[2]);
  }
}
