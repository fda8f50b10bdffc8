package org.deit4j.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The optimised resampler against a direct, per-pixel transcription of the fixture README's Pillow
 * Resample.c description, over random crops and sizes (horizontal-only, vertical-only, up- and
 * down-scaling), for bicubic and bilinear.
 */
class ResizeReferenceTest {
  private static double kernel(Interpolation f, double x) {
    x = Math.abs(x);
    if (f == Interpolation.BILINEAR) {
      return x < 1 ? 1 - x : 0;
    }
    double a = -0.5;
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    return x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
  }

  /** One pass along an axis: {@code in[n][len]} lines → {@code out[n][outLen]}. */
  private static int[][] pass(int[][] in, int outLen, Interpolation f) {
    int inLen = in[0].length;
    double support = f == Interpolation.BILINEAR ? 1 : 2;
    double scale = (double) inLen / outLen;
    double fs = Math.max(scale, 1);
    double sup = support * fs;
    int[][] out = new int[in.length][outLen];
    for (int i = 0; i < outLen; i++) {
      double center = (i + 0.5) * scale;
      int xmin = Math.max((int) (center - sup + 0.5), 0);
      int xmax = Math.min((int) (center + sup + 0.5), inLen);
      double[] w = new double[xmax - xmin];
      double sum = 0;
      for (int j = xmin; j < xmax; j++) {
        w[j - xmin] = kernel(f, (j - center + 0.5) / fs);
        sum += w[j - xmin];
      }
      int[] k = new int[w.length];
      for (int j = 0; j < w.length; j++) {
        double v = w[j] / sum;
        k[j] = v < 0 ? (int) (v * (1 << 22) - 0.5) : (int) (v * (1 << 22) + 0.5);
      }
      for (int line = 0; line < in.length; line++) {
        int acc = 1 << 21;
        for (int j = 0; j < k.length; j++) {
          acc += in[line][xmin + j] * k[j];
        }
        out[line][i] = Math.max(0, Math.min(255, acc >> 22));
      }
    }
    return out;
  }

  private static Image reference(
      Image src, int left, int top, int cw, int ch, int ow, int oh, Interpolation f) {
    // planes[c][y][x] of the crop
    byte[] out = new byte[ow * oh * 3];
    for (int c = 0; c < 3; c++) {
      int[][] rows = new int[ch][cw];
      for (int y = 0; y < ch; y++) {
        for (int x = 0; x < cw; x++) {
          rows[y][x] = src.get(left + x, top + y, c);
        }
      }
      if (ow != cw) {
        rows = pass(rows, ow, f);
      }
      int[][] cols = new int[ow][ch];
      for (int y = 0; y < ch; y++) {
        for (int x = 0; x < ow; x++) {
          cols[x][y] = rows[y][x];
        }
      }
      if (oh != ch) {
        cols = pass(cols, oh, f);
      }
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          out[(y * ow + x) * 3 + c] = (byte) cols[x][y];
        }
      }
    }
    return new Image(ow, oh, out);
  }

  @Test
  void matchesDirectTranscription() {
    SplittableRandom rng = new SplittableRandom(2024);
    int w = 90;
    int h = 70;
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (rng.nextInt(4) == 0 ? rng.nextInt(256) : (i * 7) % 256);
    }
    Image src = new Image(w, h, px);
    for (int t = 0; t < 150; t++) {
      int cw = 1 + rng.nextInt(w);
      int ch = 1 + rng.nextInt(h);
      int left = rng.nextInt(w - cw + 1);
      int top = rng.nextInt(h - ch + 1);
      int mode = rng.nextInt(3);
      int ow = mode == 1 ? cw : 1 + rng.nextInt(120);
      int oh = mode == 2 ? ch : 1 + rng.nextInt(120);
      Interpolation f = rng.nextBoolean() ? Interpolation.BICUBIC : Interpolation.BILINEAR;
      Image ours = Resize.resizedCrop(src, left, top, cw, ch, ow, oh, f);
      Image ref = reference(src, left, top, cw, ch, ow, oh, f);
      assertArrayEquals(
          ref.rgb(),
          ours.rgb(),
          String.format("%s crop (%d,%d,%dx%d) -> %dx%d", f, left, top, cw, ch, ow, oh));
    }
  }
}
