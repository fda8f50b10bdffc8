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

  /**
   * Per-thread intermediate buffers: a 500x375 source widened to int is 2.25 MB, which would be a
   * humongous allocation per call under G1.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private Resize() {}

  private static final class Scratch {
    static final class Buf {
      private int[] a = new int[0];

      int[] get(int n) {
        if (a.length < n) {
          a = new int[n];
        }
        return a;
      }
    }

    private final Buf[] ts = {new Buf(), new Buf()};
    private final Buf accBuf = new Buf();
    private byte[] r = new byte[0];

    Buf t(int i) {
      return ts[i];
    }

    int[] acc(int n) {
      return accBuf.get(n);
    }

    byte[] r(int n) {
      if (r.length < n) {
        r = new byte[n];
      }
      return r;
    }
  }

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
    Scratch scratch = SCRATCH.get();
    boolean horizontal = outW != cw;
    boolean vertical = outH != ch;
    Coeffs cv = vertical ? coeffs(ch, outH, filter) : null;
    int yFirst = vertical ? cv.min[0] : 0;
    int yLast = vertical ? cv.min[outH - 1] + cv.n[outH - 1] : ch;
    int[] inter; // uint8 values widened to int: the int*int row loops vectorise
    int interBase; // offset of crop row yFirst, column 0 in `inter`
    int interStride;
    int rowLen;
    if (horizontal) {
      Coeffs chz = coeffs(cw, outW, filter);
      int rows = yLast - yFirst;
      // The horizontal pass runs on the transposed window so that it, too, combines rows.
      int[] t = // (cw, rows, 3)
          transpose(src.rgb(), src.width() * 3, left, top + yFirst, cw, rows, scratch.t(0));
      byte[] r = scratch.r(outW * rows * 3); // (outW, rows, 3)
      combineRows(t, 0, rows * 3, rows * 3, chz, 0, r, scratch);
      inter = transpose(r, rows * 3, 0, 0, rows, outW, scratch.t(1)); // (rows, outW, 3)
      if (!vertical) {
        byte[] out = new byte[outW * outH * 3];
        for (int i = 0; i < out.length; i++) {
          out[i] = (byte) inter[i];
        }
        return new Image(outW, outH, out);
      }
      interBase = 0;
      interStride = outW * 3;
      rowLen = outW * 3;
    } else {
      inter =
          widen(
              src.rgb(), src.width() * 3, left * 3, top + yFirst, cw * 3, yLast - yFirst, scratch);
      interBase = 0;
      interStride = cw * 3;
      rowLen = cw * 3;
    }
    byte[] out = new byte[outW * outH * 3];
    combineRows(inter, interBase, interStride, rowLen, cv, yFirst, out, scratch);
    return new Image(outW, outH, out);
  }

  /**
   * One resampling pass across rows: output row {@code i} (length {@code rowLen}) is the
   * fixed-point combination of input rows {@code c.min[i] - minShift + j}. Contiguous int loops, so
   * the JIT vectorises them; integer sums make the order irrelevant to the result.
   */
  private static void combineRows(
      int[] in,
      int base,
      int stride,
      int rowLen,
      Coeffs c,
      int minShift,
      byte[] out,
      Scratch scratch) {
    int[] acc = scratch.acc(rowLen);
    int outRows = c.min.length;
    for (int i = 0; i < outRows; i++) {
      Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
      int first = c.min[i] - minShift;
      int n = c.n[i];
      int kb = i * c.ksize;
      for (int j = 0; j < n; j++) {
        int k = c.k[kb + j];
        int row = base + (first + j) * stride;
        for (int x = 0; x < rowLen; x++) {
          acc[x] += in[row + x] * k;
        }
      }
      int o = i * rowLen;
      for (int x = 0; x < rowLen; x++) {
        out[o + x] = clip8(acc[x]);
      }
    }
  }

  /**
   * The {@code w x h} pixel window at {@code (left, top)} of an RGB buffer with row stride {@code
   * stride} bytes, transposed and widened: {@code w} rows of {@code h} pixels.
   */
  private static int[] transpose(
      byte[] in, int stride, int left, int top, int w, int h, Scratch.Buf buf) {
    int[] out = buf.get(w * h * 3);
    // Writes contiguous, reads strided: the h source rows touched per column stay in L1 while
    // neighbouring columns reuse them.
    int o = 0;
    for (int x = 0; x < w; x++) {
      int s = top * stride + (left + x) * 3;
      for (int y = 0; y < h; y++, s += stride, o += 3) {
        out[o] = in[s] & 0xff;
        out[o + 1] = in[s + 1] & 0xff;
        out[o + 2] = in[s + 2] & 0xff;
      }
    }
    return out;
  }

  /** {@code rows} rows of {@code len} bytes from {@code (col, top)}, widened to int. */
  private static int[] widen(
      byte[] in, int stride, int col, int top, int len, int rows, Scratch scratch) {
    int[] out = scratch.t(0).get(len * rows);
    for (int y = 0; y < rows; y++) {
      int s = (top + y) * stride + col;
      int o = y * len;
      for (int x = 0; x < len; x++) {
        out[o + x] = in[s + x] & 0xff;
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
