package org.deit4j.augment;

import java.util.Arrays;

/**
 * torchvision {@code ToTensor()} then {@code Normalize(mean, std)}, fused: {@code ((float) v / 255f
 * - (float) mean[c]) / (float) std[c]} in float32 — subtraction then a true division, as torch does
 * (multiplying by {@code 1/std} would change last bits). Since the result depends only on (channel,
 * v), it is a 3 x 256 table.
 */
public final class Normalize {
  /** timm {@code IMAGENET_DEFAULT_MEAN}. */
  public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};

  /** timm {@code IMAGENET_DEFAULT_STD}. */
  public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

  private final double[] mean;
  private final double[] std;
  private final float[][] table = new float[3][256];

  /**
   * @param mean per-channel mean (R, G, B) on the [0, 1] scale
   * @param std per-channel standard deviation, all > 0
   */
  public Normalize(double[] mean, double[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
    }
    for (double s : std) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException(
            "std must be positive and finite: " + Arrays.toString(std));
      }
    }
    for (double m : mean) {
      if (!Double.isFinite(m)) {
        throw new IllegalArgumentException("mean must be finite: " + Arrays.toString(mean));
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
    for (int c = 0; c < 3; c++) {
      float m = (float) mean[c];
      float s = (float) std[c];
      for (int v = 0; v < 256; v++) {
        table[c][v] = ((float) v / 255.0f - m) / s;
      }
    }
  }

  /** ImageNet mean/std. */
  public static Normalize imagenet() {
    return new Normalize(IMAGENET_MEAN, IMAGENET_STD);
  }

  public double[] mean() {
    return mean.clone();
  }

  public double[] std() {
    return std.clone();
  }

  /** {@code ToTensor} alone: {@code (float) v / 255f}, CHW. */
  public static float[] toTensor(Image img) {
    int n = img.width() * img.height();
    float[] out = new float[3 * n];
    byte[] in = img.rgb();
    for (int i = 0, s = 0; i < n; i++, s += 3) {
      out[i] = (float) (in[s] & 0xff) / 255.0f;
      out[n + i] = (float) (in[s + 1] & 0xff) / 255.0f;
      out[2 * n + i] = (float) (in[s + 2] & 0xff) / 255.0f;
    }
    return out;
  }

  /** ToTensor + Normalize: {@code 3*H*W} floats, CHW, channel 0 = R. */
  public float[] apply(Image img) {
    int n = img.width() * img.height();
    float[] out = new float[3 * n];
    byte[] in = img.rgb();
    float[] tr = table[0];
    float[] tg = table[1];
    float[] tb = table[2];
    for (int i = 0, s = 0; i < n; i++, s += 3) {
      out[i] = tr[in[s] & 0xff];
      out[n + i] = tg[in[s + 1] & 0xff];
      out[2 * n + i] = tb[in[s + 2] & 0xff];
    }
    return out;
  }

  /**
   * Inverse for display: {@code round((x * std + mean) * 255)} clamped to [0, 255], CHW floats to
   * an image.
   */
  public Image denormalize(float[] chw, int width, int height) {
    int n = width * height;
    if (chw.length != 3 * n) {
      throw new IllegalArgumentException("expected " + 3 * n + " floats, got " + chw.length);
    }
    byte[] out = new byte[3 * n];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < n; i++) {
        double v = (chw[c * n + i] * std[c] + mean[c]) * 255.0;
        out[i * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    return new Image(width, height, out);
  }

  /**
   * timm's RandAugment fill colour {@code min(255, round(255 * mean))} per channel (Python round,
   * half to even): (124, 116, 104) for ImageNet.
   */
  public int[] meanColor() {
    int[] fill = new int[3];
    for (int c = 0; c < 3; c++) {
      fill[c] = Math.max(0, Math.min(255, (int) Math.rint(255 * mean[c])));
    }
    return fill;
  }
}
