package org.deit4j.model;

import org.deit4j.io.HostTensor;

/**
 * Position-embedding resampling for another input size (fine-tuning DeiT at 384, paper section 6;
 * timm {@code resample_abs_pos_embed}). Prefix tokens (cls, dist) are kept; the patch grid is
 * resized as an image with C channels.
 */
public final class PosEmbed {
  private PosEmbed() {}

  /** How the grid is interpolated. */
  public enum Interpolation {
    /**
     * timm's default in its checkpoint filter: PyTorch bicubic with {@code antialias=True} — Keys
     * cubic a = -0.5, support widened when downsampling, taps outside the grid dropped and the
     * weights renormalised.
     */
    BICUBIC_ANTIALIAS,
    /**
     * facebookresearch/deit {@code main.py --finetune}: {@code F.interpolate(mode='bicubic',
     * align_corners=False)} — Keys cubic a = -0.75, 4 taps, indices clamped to the border.
     */
    BICUBIC
  }

  /**
   * Resamples {@code pos_embed} of shape (1, prefix + gh*gw, C) to a square grid of side {@code
   * newGrid}.
   *
   * @param numPrefix leading rows kept unchanged (2 for distilled DeiT, 1 for ViT, 0 for DeiT-III
   *     whose pos_embed has no class entry)
   */
  public static HostTensor resample(
      HostTensor posEmbed, int numPrefix, int newGrid, Interpolation mode) {
    long[] s = posEmbed.shape();
    if (s.length != 3 || s[0] != 1) {
      throw new IllegalArgumentException(
          "pos_embed must be (1, N, C), got " + java.util.Arrays.toString(s));
    }
    int n = Math.toIntExact(s[1]) - numPrefix;
    int c = Math.toIntExact(s[2]);
    int old = (int) Math.round(Math.sqrt(n));
    if (old * old != n) {
      throw new IllegalArgumentException("pos_embed grid of " + n + " tokens is not square");
    }
    float[] src = posEmbed.toFloats();
    if (old == newGrid) {
      return HostTensor.ofFloats(src, 1, s[1], c);
    }
    double[][] wh = weights(old, newGrid, mode);
    int[][] ih = taps(old, newGrid, mode);
    // grid (old, old, C) row-major after the prefix rows
    double[] tmp = new double[newGrid * old * c]; // after the height pass: (newGrid, old, C)
    for (int y = 0; y < newGrid; y++) {
      for (int t = 0; t < ih[y].length; t++) {
        double w = wh[y][t];
        int sy = ih[y][t];
        for (int x = 0; x < old; x++) {
          int so = numPrefix * c + (sy * old + x) * c;
          int to = (y * old + x) * c;
          for (int k = 0; k < c; k++) {
            tmp[to + k] += w * src[so + k];
          }
        }
      }
    }
    float[] out = new float[(numPrefix + newGrid * newGrid) * c];
    System.arraycopy(src, 0, out, 0, numPrefix * c); // prefix tokens unchanged
    double[] acc = new double[c];
    for (int y = 0; y < newGrid; y++) {
      for (int x = 0; x < newGrid; x++) {
        java.util.Arrays.fill(acc, 0);
        for (int t = 0; t < ih[x].length; t++) {
          double w = wh[x][t];
          int so = (y * old + ih[x][t]) * c;
          for (int k = 0; k < c; k++) {
            acc[k] += w * tmp[so + k];
          }
        }
        int to = numPrefix * c + (y * newGrid + x) * c;
        for (int k = 0; k < c; k++) {
          out[to + k] = (float) acc[k];
        }
      }
    }
    return HostTensor.ofFloats(
        out, 1, numPrefix + (long) newGrid * newGrid, c); // (1, prefix + G*G, C)
  }

  /** Keys cubic convolution kernel with parameter {@code a}. */
  static double cubic(double x, double a) {
    x = Math.abs(x);
    if (x <= 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
    return 0;
  }

  private static int[][] taps(int in, int out, Interpolation mode) {
    int[][] idx = new int[out][];
    double scale = (double) in / out;
    for (int i = 0; i < out; i++) {
      if (mode == Interpolation.BICUBIC_ANTIALIAS) {
        double support = 2 * Math.max(scale, 1);
        double center = scale * (i + 0.5);
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), in);
        idx[i] = new int[xmax - xmin];
        for (int j = xmin; j < xmax; j++) {
          idx[i][j - xmin] = j;
        }
      } else {
        double srcPos = scale * (i + 0.5) - 0.5; // align_corners=False, not clamped for cubic
        int f = (int) Math.floor(srcPos);
        idx[i] = new int[4];
        for (int t = 0; t < 4; t++) {
          idx[i][t] = Math.min(Math.max(f - 1 + t, 0), in - 1); // border clamp
        }
      }
    }
    return idx;
  }

  private static double[][] weights(int in, int out, Interpolation mode) {
    double[][] w = new double[out][];
    double scale = (double) in / out;
    for (int i = 0; i < out; i++) {
      if (mode == Interpolation.BICUBIC_ANTIALIAS) {
        double fs = Math.max(scale, 1);
        double support = 2 * fs;
        double center = scale * (i + 0.5);
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), in);
        w[i] = new double[xmax - xmin];
        double sum = 0;
        for (int j = xmin; j < xmax; j++) {
          double v = cubic((j - center + 0.5) / fs, -0.5);
          w[i][j - xmin] = v;
          sum += v;
        }
        for (int j = 0; j < w[i].length; j++) {
          w[i][j] /= sum;
        }
      } else {
        double srcPos = scale * (i + 0.5) - 0.5;
        double t = srcPos - Math.floor(srcPos);
        double a = -0.75;
        w[i] = new double[] {cubic(t + 1, a), cubic(t, a), cubic(1 - t, a), cubic(2 - t, a)};
      }
    }
    return w;
  }
}
