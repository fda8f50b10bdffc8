package org.deit4j.augment;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * PIL's affine sampler ({@code Image.transform(size, AFFINE, data, resample, fillcolor)}, Pillow
 * {@code Geometry.c} generic transform) and {@code Image.rotate}, bit-exact for BILINEAR and
 * BICUBIC.
 *
 * <p>The six coefficients map OUTPUT pixel centres to SOURCE coordinates: {@code u = a*(x+0.5) +
 * b*(y+0.5) + c}, {@code v = d*(x+0.5) + e*(y+0.5) + f}. A pixel whose source point falls outside
 * the image takes the fill colour whole; otherwise taps are clamped to the image (edge replicate).
 * BICUBIC here is Pillow's affine cubic with a = -1 and truncation to uint8 — not the a = -0.5
 * convolution kernel of {@link Resize}.
 */
public final class Affine {
  private Affine() {}

  /**
   * {@code Image.transform((outW, outH), AFFINE, m, filter, fillcolor=fill)}.
   *
   * @param m the six doubles {@code (a, b, c, d, e, f)}
   * @param fill RGB fill colour for pixels sampled outside the source
   */
  public static Image transform(
      Image src, int outW, int outH, double[] m, Interpolation filter, int[] fill) {
    if (m.length != 6) {
      throw new IllegalArgumentException("affine matrix needs 6 coefficients, got " + m.length);
    }
    if (filter == Interpolation.LANCZOS) {
      throw new IllegalArgumentException("PIL's affine transform has no LANCZOS filter");
    }
    byte[] out = new byte[Math.multiplyExact(outW * outH, 3)];
    byte f0 = (byte) fill[0];
    byte f1 = (byte) fill[1];
    byte f2 = (byte) fill[2];
    double a = m[0];
    double b = m[1];
    double c = m[2];
    double d = m[3];
    double e = m[4];
    double f = m[5];
    int w = src.width();
    int h = src.height();
    byte[] in = src.rgb();
    if (b == 0.0 && d == 0.0 && filter == Interpolation.BICUBIC) {
      separableBicubic(in, w, h, a, c, e, f, outW, outH, out, fill);
      return new Image(outW, outH, out);
    }
    int[] xo = new int[4];
    int[] yo = new int[4];
    int o = 0;
    for (int y = 0; y < outH; y++) {
      double yc = y + 0.5;
      for (int x = 0; x < outW; x++, o += 3) {
        double xc = x + 0.5;
        double u = a * xc + b * yc + c;
        double v = d * xc + e * yc + f;
        if (u < 0.0 || u >= w || v < 0.0 || v >= h) {
          out[o] = f0;
          out[o + 1] = f1;
          out[o + 2] = f2;
        } else if (filter == Interpolation.BICUBIC) {
          bicubic(in, w, h, u, v, out, o, xo, yo);
        } else if (filter == Interpolation.BILINEAR) {
          bilinear(in, w, h, u, v, out, o);
        } else if (filter == Interpolation.NEAREST) {
          // Pillow nearest_filter: COORD(v) = (int) v for v >= 0 (checked above).
          int s = (((int) v) * w + (int) u) * 3;
          out[o] = in[s];
          out[o + 1] = in[s + 1];
          out[o + 2] = in[s + 2];
        } else {
          throw new IllegalArgumentException("affine sampler has no " + filter);
        }
      }
    }
    return new Image(outW, outH, out);
  }

  /**
   * BICUBIC when {@code b = d = 0} (translations, axis scalings): {@code u} depends on x only and
   * {@code v} on y only, so each (source row, output column) row-cubic is computed once and shared
   * by the up to 4 output rows that read it. Same double operations as the generic path, so the
   * same bits.
   */
  private static void separableBicubic(
      byte[] in,
      int w,
      int h,
      double a,
      double c,
      double e,
      double f,
      int outW,
      int outH,
      byte[] out,
      int[] fill) {
    boolean[] outside = new boolean[outW];
    double[] dxs = new double[outW];
    int[][] xoff = new int[4][outW];
    for (int x = 0; x < outW; x++) {
      // b * yc is +-0.0 and adding it leaves a * xc unchanged: u is the generic path's value.
      double u = a * (x + 0.5) + c;
      if (u < 0.0 || u >= w) {
        outside[x] = true;
        continue;
      }
      u -= 0.5;
      int x0 = (int) Math.floor(u);
      dxs[x] = u - x0;
      for (int k = 0; k < 4; k++) {
        xoff[k][x] = clamp(x0 - 1 + k, w) * 3;
      }
    }
    double[][] rowCache = new double[h][];
    int stride = w * 3;
    int o = 0;
    for (int y = 0; y < outH; y++) {
      double v = e * (y + 0.5) + f;
      boolean rowInside = v >= 0.0 && v < h;
      int y0 = 0;
      double dy = 0;
      double[][] r = new double[4][];
      if (rowInside) {
        v -= 0.5;
        y0 = (int) Math.floor(v);
        dy = v - y0;
        for (int k = 0; k < 4; k++) {
          int sy = clamp(y0 - 1 + k, h);
          if (rowCache[sy] == null) {
            double[] rc = new double[outW * 3];
            int row = sy * stride;
            for (int x = 0; x < outW; x++) {
              if (outside[x]) {
                continue;
              }
              for (int ch = 0; ch < 3; ch++) {
                rc[x * 3 + ch] =
                    rowCubic(
                        in,
                        row + xoff[0][x] + ch,
                        row + xoff[1][x] + ch,
                        row + xoff[2][x] + ch,
                        row + xoff[3][x] + ch,
                        dxs[x]);
              }
            }
            rowCache[sy] = rc;
          }
          r[k] = rowCache[sy];
        }
      }
      for (int x = 0; x < outW; x++, o += 3) {
        if (!rowInside || outside[x]) {
          out[o] = (byte) fill[0];
          out[o + 1] = (byte) fill[1];
          out[o + 2] = (byte) fill[2];
          continue;
        }
        for (int ch = 0; ch < 3; ch++) {
          int i = x * 3 + ch;
          out[o + ch] = columnCubic(r[0][i], r[1][i], r[2][i], r[3][i], dy);
        }
      }
    }
  }

  private static int clamp(int i, int n) {
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
  }

  /** Pillow bicubic_filter32RGB: 4x4 taps, cubic a = -1, clamp + truncation. */
  private static void bicubic(
      byte[] in, int w, int h, double u, double v, byte[] out, int o, int[] xo, int[] yo) {
    u -= 0.5;
    v -= 0.5;
    int x0 = (int) Math.floor(u);
    int y0 = (int) Math.floor(v);
    double dx = u - x0;
    double dy = v - y0;
    int stride = w * 3;
    if (x0 >= 1 && x0 + 2 < w && y0 >= 1 && y0 + 2 < h) {
      // Interior: no clamping, taps at fixed offsets.
      int base = (y0 - 1) * stride + (x0 - 1) * 3;
      for (int ch = 0; ch < 3; ch++) {
        int p = base + ch;
        double r0 = rowCubic(in, p, p + 3, p + 6, p + 9, dx);
        p += stride;
        double r1 = rowCubic(in, p, p + 3, p + 6, p + 9, dx);
        p += stride;
        double r2 = rowCubic(in, p, p + 3, p + 6, p + 9, dx);
        p += stride;
        double r3 = rowCubic(in, p, p + 3, p + 6, p + 9, dx);
        out[o + ch] = columnCubic(r0, r1, r2, r3, dy);
      }
      return;
    }
    for (int k = 0; k < 4; k++) {
      xo[k] = clamp(x0 - 1 + k, w) * 3;
      yo[k] = clamp(y0 - 1 + k, h) * stride;
    }
    for (int ch = 0; ch < 3; ch++) {
      double r0 = rowCubic(in, yo[0] + ch, xo, dx);
      double r1 = rowCubic(in, yo[1] + ch, xo, dx);
      double r2 = rowCubic(in, yo[2] + ch, xo, dx);
      double r3 = rowCubic(in, yo[3] + ch, xo, dx);
      out[o + ch] = columnCubic(r0, r1, r2, r3, dy);
    }
  }

  /** Second cubic pass in double, in Pillow's BICUBIC macro order; clamp + truncation. */
  private static byte columnCubic(double r0, double r1, double r2, double r3, double dy) {
    double p2 = -r0 + r2;
    double p3 = 2 * (r0 - r1) + r2 - r3;
    double p4 = -r0 + r1 - r2 + r3;
    double val = r1 + dy * (p2 + dy * (p3 + dy * p4));
    return (byte) (val <= 0.0 ? 0 : (val >= 255.0 ? 255 : (int) val));
  }

  private static double rowCubic(byte[] in, int row, int[] xo, double dx) {
    return rowCubic(in, row + xo[0], row + xo[1], row + xo[2], row + xo[3], dx);
  }

  private static double rowCubic(byte[] in, int i1, int i2, int i3, int i4, double dx) {
    int v1 = in[i1] & 0xff;
    int v2 = in[i2] & 0xff;
    int v3 = in[i3] & 0xff;
    int v4 = in[i4] & 0xff;
    // Integer sub-terms are exact, as in Pillow where the operands are promoted UINT8.
    return v2 + dx * ((-v1 + v3) + dx * ((2 * (v1 - v2) + v3 - v4) + dx * (-v1 + v2 - v3 + v4)));
  }

  /** Pillow bilinear_filter32RGB: 2x2 taps, truncation. */
  private static void bilinear(byte[] in, int w, int h, double u, double v, byte[] out, int o) {
    u -= 0.5;
    v -= 0.5;
    int x0 = (int) Math.floor(u);
    int y0 = (int) Math.floor(v);
    double dx = u - x0;
    double dy = v - y0;
    int xa = clamp(x0, w) * 3;
    int xb = clamp(x0 + 1, w) * 3;
    int ya = clamp(y0, h) * w * 3;
    int yb = clamp(y0 + 1, h) * w * 3;
    for (int ch = 0; ch < 3; ch++) {
      int p00 = in[ya + xa + ch] & 0xff;
      int p01 = in[ya + xb + ch] & 0xff;
      int p10 = in[yb + xa + ch] & 0xff;
      int p11 = in[yb + xb + ch] & 0xff;
      double v1 = p00 + (p01 - p00) * dx;
      double v2 = p10 + (p11 - p10) * dx;
      out[o + ch] = (byte) (int) (v1 + (v2 - v1) * dy);
    }
  }

  /**
   * PIL {@code Image.rotate(degrees, resample=filter, fillcolor=fill)} (no expand, centre = image
   * centre). Positive is counter-clockwise. Multiples of 90 take PIL's exact transpose fast paths.
   */
  public static Image rotate(Image src, double degrees, Interpolation filter, int[] fill) {
    double angle = pythonMod360(degrees);
    int w = src.width();
    int h = src.height();
    if (angle == 0.0) {
      return new Image(w, h, src.rgb().clone());
    }
    if (angle == 180.0) {
      return Geometry.rotate180(src);
    }
    if ((angle == 90.0 || angle == 270.0) && w == h) {
      return Geometry.rotate90(src, angle == 90.0);
    }
    return transform(src, w, h, rotationMatrix(angle, w, h), filter, fill);
  }

  /**
   * The matrix PIL's {@code rotate} passes to {@code transform} for {@code angle} (already reduced
   * mod 360): cos/sin of {@code -radians(angle)} rounded to 15 decimals (Python {@code round}),
   * centred on {@code (w/2, h/2)}.
   */
  public static double[] rotationMatrix(double angle, int w, int h) {
    double t = -Math.toRadians(angle);
    double a = round15(StrictMath.cos(t));
    double b = round15(StrictMath.sin(t));
    double d = round15(-StrictMath.sin(t));
    double e = round15(StrictMath.cos(t));
    double cx = w / 2.0;
    double cy = h / 2.0;
    double c = a * -cx + b * -cy + 0.0;
    double f = d * -cx + e * -cy + 0.0;
    return new double[] {a, b, c + cx, d, e, f + cy};
  }

  /** Python's {@code round(v, 15)}: correctly rounded, half to even on the exact binary value. */
  static double round15(double v) {
    return new BigDecimal(v).setScale(15, RoundingMode.HALF_EVEN).doubleValue();
  }

  /** Python's float {@code x % 360.0} (result has the sign of the divisor). */
  static double pythonMod360(double x) {
    double r = x % 360.0;
    if (r != 0.0 && r < 0.0) {
      r += 360.0;
    }
    return r == 0.0 ? 0.0 : r;
  }
}
