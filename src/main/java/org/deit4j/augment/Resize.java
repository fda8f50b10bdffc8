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
    private final int[][][] rowPools = {new int[0][], new int[0][]};
    private int[] acc = new int[0];
    private byte[] r = new byte[0];

    /**
     * {@code count} row arrays of pool {@code pool}, each of at least {@code len} ints (rows are
     * reallocated when too short; callers index from 0 up to their own length).
     */
    int[][] rows(int pool, int count, int len) {
      int[][] p = rowPools[pool];
      if (p.length < count) {
        p = Arrays.copyOf(p, count);
        rowPools[pool] = p;
      }
      for (int i = 0; i < count; i++) {
        if (p[i] == null || p[i].length < len) {
          p[i] = new int[len];
        }
      }
      return p;
    }

    int[] acc(int n) {
      if (acc.length < n) {
        acc = new int[n];
      }
      return acc;
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
    int[][] inter; // rows of uint8 values widened to int (see combineRows)
    if (horizontal) {
      Coeffs chz = coeffs(cw, outW, filter);
      int rows = yLast - yFirst;
      // The horizontal pass runs on the transposed window so that it, too, combines rows.
      int[][] t = // (cw, rows*3)
          transpose(
              src.rgb(),
              src.width() * 3,
              left,
              top + yFirst,
              cw,
              rows,
              scratch.rows(0, cw, rows * 3));
      byte[] r = scratch.r(outW * rows * 3); // (outW, rows, 3)
      combineRows(t, 0, rows * 3, chz, r, scratch.acc(rows * 3));
      if (!vertical) {
        byte[] out = new byte[outW * outH * 3];
        transposeBytes(r, rows, outW, out);
        return new Image(outW, outH, out);
      }
      inter =
          transpose(
              r, rows * 3, 0, 0, rows, outW, scratch.rows(1, rows, outW * 3)); // (rows, outW*3)
    } else {
      inter =
          widen(
              src.rgb(),
              src.width() * 3,
              left * 3,
              top + yFirst,
              cw * 3,
              yLast - yFirst,
              scratch.rows(0, yLast - yFirst, cw * 3));
    }
    byte[] out = new byte[outW * outH * 3];
    combineRows(inter, yFirst, outW * 3, cv, out, scratch.acc(outW * 3));
    return new Image(outW, outH, out);
  }

  /**
   * One resampling pass across rows: output row {@code i} (length {@code rowLen}) is the
   * fixed-point combination of input rows {@code c.min[i] - minShift + j}. Contiguous int loops, so
   * the JIT vectorises them; integer sums make the order irrelevant to the result.
   */
  private static void combineRows(
      int[][] in, int minShift, int rowLen, Coeffs c, byte[] out, int[] acc) {
    int outRows = c.min.length;
    int half = 1 << (PRECISION_BITS - 1);
    for (int i = 0; i < outRows; i++) {
      int first = c.min[i] - minShift;
      int n = c.n[i];
      int kb = i * c.ksize;
      // Taps in groups of up to 4 per sweep: one read-modify-write of `acc` per group instead of
      // per tap (the pass is bound by that traffic).
      int j = 0;
      boolean init = true;
      while (j < n) {
        int[] r0 = in[first + j];
        int k0 = c.k[kb + j];
        int start = init ? half : 0;
        if (n - j >= 4) {
          int k1 = c.k[kb + j + 1];
          int k2 = c.k[kb + j + 2];
          int k3 = c.k[kb + j + 3];
          int[] r1 = in[first + j + 1];
          int[] r2 = in[first + j + 2];
          int[] r3 = in[first + j + 3];
          if (init) {
            for (int x = 0; x < rowLen; x++) {
              acc[x] = half + r0[x] * k0 + r1[x] * k1 + r2[x] * k2 + r3[x] * k3;
            }
          } else {
            for (int x = 0; x < rowLen; x++) {
              acc[x] += r0[x] * k0 + r1[x] * k1 + r2[x] * k2 + r3[x] * k3;
            }
          }
          j += 4;
        } else if (n - j >= 2) {
          int k1 = c.k[kb + j + 1];
          int[] r1 = in[first + j + 1];
          if (init) {
            for (int x = 0; x < rowLen; x++) {
              acc[x] = start + r0[x] * k0 + r1[x] * k1;
            }
          } else {
            for (int x = 0; x < rowLen; x++) {
              acc[x] += r0[x] * k0 + r1[x] * k1;
            }
          }
          j += 2;
        } else {
          if (init) {
            for (int x = 0; x < rowLen; x++) {
              acc[x] = start + r0[x] * k0;
            }
          } else {
            for (int x = 0; x < rowLen; x++) {
              acc[x] += r0[x] * k0;
            }
          }
          j += 1;
        }
        init = false;
      }
      if (init) {
        Arrays.fill(acc, 0, rowLen, half); // no taps (cannot happen for valid sizes)
      }
      int o = i * rowLen;
      for (int x = 0; x < rowLen; x++) {
        out[o + x] = (byte) Math.min(255, Math.max(0, acc[x] >> PRECISION_BITS));
      }
    }
  }

  /**
   * The {@code w x h} pixel window at {@code (left, top)} of an RGB buffer with row stride {@code
   * stride} bytes, transposed and widened: {@code w} rows of {@code h} pixels, one array each
   * (index 0 = first value: the row loops then vectorise).
   */
  private static int[][] transpose(
      byte[] in, int stride, int left, int top, int w, int h, int[][] out) {
    // Writes contiguous, reads strided: the h source rows touched per column stay in cache while
    // neighbouring columns reuse them.
    for (int x = 0; x < w; x++) {
      int[] row = out[x];
      int s = top * stride + (left + x) * 3;
      for (int o = 0; o < h * 3; o += 3, s += stride) {
        row[o] = in[s] & 0xff;
        row[o + 1] = in[s + 1] & 0xff;
        row[o + 2] = in[s + 2] & 0xff;
      }
    }
    return out;
  }

  /** {@code in} is {@code (w, h, 3)}; writes its transpose {@code (h, w, 3)} to {@code out}. */
  private static void transposeBytes(byte[] in, int h, int w, byte[] out) {
    for (int x = 0; x < w; x++) {
      for (int y = 0; y < h; y++) {
        int s = (x * h + y) * 3;
        int o = (y * w + x) * 3;
        out[o] = in[s];
        out[o + 1] = in[s + 1];
        out[o + 2] = in[s + 2];
      }
    }
  }

  /** {@code rows} rows of {@code len} bytes from {@code (col, top)}, widened to int. */
  private static int[][] widen(
      byte[] in, int stride, int col, int top, int len, int rows, int[][] out) {
    for (int y = 0; y < rows; y++) {
      int[] row = out[y];
      int s = (top + y) * stride + col;
      for (int x = 0; x < len; x++) {
        row[x] = in[s + x] & 0xff;
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
