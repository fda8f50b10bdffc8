package org.deit4j.augment;

/**
 * PIL's RGB to L conversion (ITU-R 601-2 luma in 16-bit fixed point), and torchvision's {@code
 * Grayscale(num_output_channels=3)} = L replicated to R, G, B (DeiT-III's {@code gray_scale}).
 */
public final class Grayscale {
  private Grayscale() {}

  /** Pillow's L24: {@code (R*19595 + G*38470 + B*7471 + 0x8000) >> 16}. */
  public static int luma(int r, int g, int b) {
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }

  /** The L plane ({@code H*W} values 0..255). */
  public static int[] lumaPlane(Image img) {
    byte[] in = img.rgb();
    int[] l = new int[in.length / 3];
    for (int i = 0, s = 0; i < l.length; i++, s += 3) {
      l[i] = luma(in[s] & 0xff, in[s + 1] & 0xff, in[s + 2] & 0xff);
    }
    return l;
  }

  /** {@code img.convert("L").convert("RGB")}. */
  public static Image toGray3(Image img) {
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    for (int s = 0; s < in.length; s += 3) {
      byte l = (byte) luma(in[s] & 0xff, in[s + 1] & 0xff, in[s + 2] & 0xff);
      out[s] = l;
      out[s + 1] = l;
      out[s + 2] = l;
    }
    return new Image(img.width(), img.height(), out);
  }
}
