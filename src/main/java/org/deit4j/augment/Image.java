package org.deit4j.augment;

import java.util.Arrays;

/**
 * An 8-bit RGB image, row-major {@code H x W x 3} — the unit every PIL-style transform works on
 * (timm's transforms operate on PIL RGB images before {@code ToTensor}).
 *
 * <p>The pixel array is owned by the image; transforms return new images and never mutate their
 * input.
 */
public final class Image {
  private final int width;
  private final int height;
  private final byte[] rgb;

  /**
   * Wraps {@code rgb} (not copied).
   *
   * @param width columns
   * @param height rows
   * @param rgb {@code height * width * 3} bytes, R,G,B per pixel, rows top to bottom
   */
  public Image(int width, int height, byte[] rgb) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    if (rgb.length != Math.multiplyExact(Math.multiplyExact(width, height), 3)) {
      throw new IllegalArgumentException(
          "expected " + (long) width * height * 3 + " bytes for " + width + "x" + height + " RGB");
    }
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /** A black image. */
  public static Image blank(int width, int height) {
    return new Image(width, height, new byte[Math.multiplyExact(width * height, 3)]);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The backing pixels ({@code H x W x 3}); callers must not modify an image they did not make. */
  public byte[] rgb() {
    return rgb;
  }

  /** Channel value 0..255 at (x, y), channel c in {0,1,2}. */
  public int get(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xff;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Image i
        && i.width == width
        && i.height == height
        && Arrays.equals(i.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "Image[" + width + "x" + height + "]";
  }
}
