package org.deit4j.augment;

/**
 * Exact pixel-moving primitives: crop, centre crop, padding, flips and quarter-turn transposes (PIL
 * {@code crop}/{@code transpose}, torchvision {@code F.pad}/{@code F.center_crop}).
 */
public final class Geometry {
  private Geometry() {}

  /** How {@link #pad} fills the border (torchvision {@code padding_mode}). */
  public enum PadMode {
    /** A constant colour (torchvision {@code 'constant'}, DeiT's default fill 0). */
    CONSTANT,
    /** Mirror without repeating the edge pixel (numpy / torchvision {@code 'reflect'}). */
    REFLECT
  }

  /**
   * The {@code w x h} window at {@code (left, top)}; the window must lie inside the image.
   * (torchvision {@code F.crop} = PIL {@code img.crop((left, top, left+w, top+h))}.)
   */
  public static Image crop(Image src, int left, int top, int w, int h) {
    if (left < 0
        || top < 0
        || w <= 0
        || h <= 0
        || left + w > src.width()
        || top + h > src.height()) {
      throw new IllegalArgumentException(
          "crop (" + left + "," + top + "," + w + "x" + h + ") outside " + src);
    }
    byte[] in = src.rgb();
    byte[] out = new byte[w * h * 3];
    int rowBytes = w * 3;
    for (int y = 0; y < h; y++) {
      System.arraycopy(in, ((top + y) * src.width() + left) * 3, out, y * rowBytes, rowBytes);
    }
    return new Image(w, h, out);
  }

  /**
   * torchvision {@code CenterCrop(size)}: offsets {@code round((H-h)/2)}, {@code round((W-w)/2)}
   * with Python's half-to-even rounding (a 40-wide image cropped to 27 starts at column 6).
   */
  public static Image centerCrop(Image src, int w, int h) {
    if (w > src.width() || h > src.height()) {
      throw new IllegalArgumentException("centre crop " + w + "x" + h + " larger than " + src);
    }
    int top = Draws.roundHalfEven((src.height() - h) / 2.0);
    int left = Draws.roundHalfEven((src.width() - w) / 2.0);
    if (w == src.width() && h == src.height()) {
      return src;
    }
    return crop(src, left, top, w, h);
  }

  /**
   * Pads {@code padding} pixels on every side.
   *
   * @param fill RGB colour for {@link PadMode#CONSTANT} (ignored for REFLECT)
   */
  public static Image pad(Image src, int padding, PadMode mode, int[] fill) {
    if (padding < 0) {
      throw new IllegalArgumentException("padding must be >= 0: " + padding);
    }
    if (padding == 0) {
      return src;
    }
    int w = src.width();
    int h = src.height();
    int pw = w + 2 * padding;
    int ph = h + 2 * padding;
    byte[] in = src.rgb();
    byte[] out = new byte[pw * ph * 3];
    int[] colMap = new int[pw];
    for (int x = 0; x < pw; x++) {
      colMap[x] = mode == PadMode.REFLECT ? reflect(x - padding, w) : x - padding;
    }
    for (int y = 0; y < ph; y++) {
      int sy = mode == PadMode.REFLECT ? reflect(y - padding, h) : y - padding;
      int o = y * pw * 3;
      for (int x = 0; x < pw; x++, o += 3) {
        int sx = colMap[x];
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
          out[o] = (byte) fill[0];
          out[o + 1] = (byte) fill[1];
          out[o + 2] = (byte) fill[2];
        } else {
          int s = (sy * w + sx) * 3;
          out[o] = in[s];
          out[o + 1] = in[s + 1];
          out[o + 2] = in[s + 2];
        }
      }
    }
    return new Image(pw, ph, out);
  }

  /** numpy {@code 'reflect'} index for any {@code i} (repeats the mirror for wide pads). */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int r = Math.floorMod(i, period);
    return r < n ? r : period - r;
  }

  /** Mirror the columns (PIL {@code FLIP_LEFT_RIGHT}). */
  public static Image hflip(Image src) {
    int w = src.width();
    int h = src.height();
    byte[] in = src.rgb();
    byte[] out = new byte[in.length];
    for (int y = 0; y < h; y++) {
      int row = y * w * 3;
      for (int x = 0; x < w; x++) {
        int s = row + x * 3;
        int o = row + (w - 1 - x) * 3;
        out[o] = in[s];
        out[o + 1] = in[s + 1];
        out[o + 2] = in[s + 2];
      }
    }
    return new Image(w, h, out);
  }

  /** PIL {@code ROTATE_180}. */
  static Image rotate180(Image src) {
    byte[] in = src.rgb();
    byte[] out = new byte[in.length];
    int n = in.length / 3;
    for (int i = 0; i < n; i++) {
      int s = i * 3;
      int o = (n - 1 - i) * 3;
      out[o] = in[s];
      out[o + 1] = in[s + 1];
      out[o + 2] = in[s + 2];
    }
    return new Image(src.width(), src.height(), out);
  }

  /** PIL {@code ROTATE_90} (counter-clockwise) or {@code ROTATE_270} (clockwise). */
  static Image rotate90(Image src, boolean counterClockwise) {
    int w = src.width();
    int h = src.height();
    byte[] in = src.rgb();
    byte[] out = new byte[in.length];
    // Output is h wide and w high.
    for (int y = 0; y < w; y++) {
      for (int x = 0; x < h; x++) {
        int sx = counterClockwise ? w - 1 - y : y;
        int sy = counterClockwise ? x : h - 1 - x;
        int s = (sy * w + sx) * 3;
        int o = (y * h + x) * 3;
        out[o] = in[s];
        out[o + 1] = in[s + 1];
        out[o + 2] = in[s + 2];
      }
    }
    return new Image(h, w, out);
  }
}
