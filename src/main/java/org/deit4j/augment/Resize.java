package org.deit4j.augment;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PIL's convolution resampler ({@code Image.resize}, Pillow {@code Resample.c}, 8-bit path),
 * bit-exact: separable, horizontal pass first (only if the width changes) into a uint8
 * intermediate, then vertical; per-output weights from the filter stretched by {@code max(in/out,
 * 1)} (so downscaling is antialiased), normalised in double, turned into 22-bit fixed point, and
 * accumulated in int32 from {@code 2^21} (round half up) with a clamp to [0, 255].
 *
 * <p>Weights depend only on (input length, output length, filter) and are cached.
 */
public final class Resize {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int MAX_CACHED = 1024;
  private static final ConcurrentHashMap<Long, Coeffs> CACHE = new ConcurrentHashMap<>();

  private Resize() {}

  /** Fixed-point weights of one pass: output i reads {@code n[i]} inputs from {@code min[i]}. */
  private record Coeffs(int ksize, int[] min, int[] n, int[] k) {}

  /** {@code img.resize((outW, outH), filter)}. */
  public static Image resize(Image src, int outW, int outH, Interpolation filter) {
    return resizedCrop(src, 0, 0, src.width(), src.height(), outW, outH, filter);
  }

  /**
   * torchvision {@code F.resized_crop}: {@code img.crop((left, top, left+cw, top+ch)).resize((outW,
   * outH), filter)}, without materialising the crop. Taps are clamped to the crop, as in the
   * two-step PIL call.
   */
  public static Image resizedCrop(
      Image src, int left, int top, int cw, int ch, int outW, int outH, Interpolation filter) {
    if (left < 0 || top < 0 || cw <= 0 || ch <= 0) {
      throw new IllegalArgumentException("bad crop box");
    }
    if (left + cw > src.width() || top + ch > src.height()) {
      throw new IllegalArgumentException("crop box outside " + src);
    }
    if (outW <= 0 || outH <= 0) {
      throw new IllegalArgumentException("output size must be positive: " + outW + "x" + outH);
    }
    if (outW == cw && outH == ch) {
      return Geometry.crop(src, left, top, cw, ch);
    }
    boolean horizontal = outW != cw;
    boolean vertical = outH != ch;
    Coeffs cv = vertical ? coeffs(ch, outH, filter) : null;
    int yFirst = vertical ? cv.min[0] : 0;
    int yLast = vertical ? cv.min[outH - 1] + cv.n[outH - 1] : ch;
    byte[] inter;
    int interW;
    int interRow0; // row of `inter` holding crop row yFirst
    int interStride;
    int interLeft;
    if (horizontal) {
      Coeffs chz = coeffs(cw, outW, filter);
      inter = horizontalPass(src, left, top + yFirst, yLast - yFirst, chz, outW);
      interW = outW;
      interRow0 = 0;
      interStride = outW * 3;
      interLeft = 0;
    } else {
      inter = src.rgb();
      interW = cw;
      interRow0 = top + yFirst;
      interStride = src.width() * 3;
      interLeft = left * 3;
    }
    if (!vertical) {
      return new Image(outW, outH, inter); // horizontal pass only: `inter` is the result
    }
    byte[] out = new byte[outW * outH * 3];
    int[] acc = new int[interW * 3];
    int rowLen = interW * 3;
    for (int yy = 0; yy < outH; yy++) {
      Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
      int ymin = cv.min[yy] - yFirst;
      int n = cv.n[yy];
      int kb = yy * cv.ksize;
      for (int j = 0; j < n; j++) {
        int k = cv.k[kb + j];
        int row = (interRow0 + ymin + j) * interStride + interLeft;
        for (int x = 0; x < rowLen; x++) {
          acc[x] += (inter[row + x] & 0xff) * k;
        }
      }
      int o = yy * rowLen;
      for (int x = 0; x < rowLen; x++) {
        out[o + x] = clip8(acc[x]);
      }
    }
    return new Image(outW, outH, out);
  }

  private static byte[] horizontalPass(
      Image src, int left, int rowStart, int rows, Coeffs c, int outW) {
    byte[] in = src.rgb();
    byte[] out = new byte[rows * outW * 3];
    int half = 1 << (PRECISION_BITS - 1);
    int o = 0;
    for (int y = 0; y < rows; y++) {
      int row = ((rowStart + y) * src.width() + left) * 3;
      for (int xx = 0; xx < outW; xx++, o += 3) {
        int s0 = half;
        int s1 = half;
        int s2 = half;
        int p = row + c.min[xx] * 3;
        int kb = xx * c.ksize;
        int n = c.n[xx];
        for (int j = 0; j < n; j++, p += 3) {
          int k = c.k[kb + j];
          s0 += (in[p] & 0xff) * k;
          s1 += (in[p + 1] & 0xff) * k;
          s2 += (in[p + 2] & 0xff) * k;
        }
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    return out;
  }

  private static byte clip8(int acc) {
    int v = acc >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
  }

  /**
   * torchvision {@code Resize(size)} with an int size: the shorter side becomes {@code size}, the
   * longer {@code int(size * long / short)}; an image already that size is returned as is.
   */
  public static Image resizeShorter(Image src, int size, Interpolation filter) {
    int w = src.width();
    int h = src.height();
    int newW;
    int newH;
    if (w <= h) {
      newW = size;
      newH = (int) ((double) size * h / w);
    } else {
      newH = size;
      newW = (int) ((double) size * w / h);
    }
    if (newW == w && newH == h) {
      return src;
    }
    return resize(src, newW, newH, filter);
  }

  private static Coeffs coeffs(int in, int out, Interpolation filter) {
    long key = ((long) in << 32) | ((long) out << 3) | filter.ordinal();
    Coeffs c = CACHE.get(key);
    if (c == null) {
      c = compute(in, out, filter);
      if (CACHE.size() >= MAX_CACHED) {
        CACHE.clear();
      }
      CACHE.put(key, c);
    }
    return c;
  }

  /** Pillow precompute_coeffs + normalize_coeffs_8bpc. */
  private static Coeffs compute(int in, int out, Interpolation filter) {
    double filterSupport =
        switch (filter) {
          case BILINEAR -> 1.0;
          case BICUBIC -> 2.0;
          case LANCZOS -> 3.0;
          case NEAREST ->
              throw new IllegalArgumentException(
                  "NEAREST resize (PIL's affine fast path) is not implemented");
        };
    double scale = (double) in / out;
    double filterscale = Math.max(scale, 1.0);
    double support = filterSupport * filterscale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    int[] min = new int[out];
    int[] cnt = new int[out];
    int[] k = new int[out * ksize];
    double[] w = new double[ksize];
    double ss = 1.0 / filterscale;
    for (int xx = 0; xx < out; xx++) {
      double center = (xx + 0.5) * scale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), in) - xmin;
      double ww = 0.0;
      for (int x = 0; x < xmax; x++) {
        w[x] = kernel(filter, (x + xmin - center + 0.5) * ss);
        ww += w[x];
      }
      for (int x = 0; x < xmax; x++) {
        double v = ww != 0.0 ? w[x] / ww : w[x];
        k[xx * ksize + x] =
            v < 0
                ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                : (int) (0.5 + v * (1 << PRECISION_BITS));
      }
      min[xx] = xmin;
      cnt[xx] = Math.max(xmax, 0);
    }
    return new Coeffs(ksize, min, cnt, k);
  }

  private static double kernel(Interpolation filter, double x) {
    if (x < 0.0) {
      x = -x;
    }
    switch (filter) {
      case BILINEAR:
        return x < 1.0 ? 1.0 - x : 0.0;
      case BICUBIC:
        {
          double a = -0.5;
          if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
          }
          if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
          }
          return 0.0;
        }
      case LANCZOS:
        return x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
      default:
        throw new IllegalArgumentException(filter.toString());
    }
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    x = x * Math.PI;
    return StrictMath.sin(x) / x;
  }
}
