package org.deit4j.augment;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes files to {@link Image} (PIL {@code Image.open(f).convert('RGB')}) and writes PNGs, with
 * {@code javax.imageio}. 8-bit RGB and grayscale rasters are read byte-exactly (no colour-space
 * conversion; alpha is dropped as PIL's {@code convert('RGB')} does).
 */
public final class ImageCodec {
  private ImageCodec() {}

  /** Reads and decodes an image file (PNG, JPEG, BMP, GIF). */
  public static Image read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      BufferedImage bi = ImageIO.read(in);
      if (bi == null) {
        throw new IOException("not a readable image: " + path);
      }
      return fromBufferedImage(bi);
    }
  }

  /** Decodes encoded image bytes. */
  public static Image decode(byte[] encoded) throws IOException {
    BufferedImage bi = ImageIO.read(new ByteArrayInputStream(encoded));
    if (bi == null) {
      throw new IOException("not a readable image");
    }
    return fromBufferedImage(bi);
  }

  /** Converts a decoded AWT image to RGB bytes. */
  public static Image fromBufferedImage(BufferedImage bi) {
    int w = bi.getWidth();
    int h = bi.getHeight();
    byte[] out = new byte[Math.multiplyExact(w * h, 3)];
    switch (bi.getType()) {
      case BufferedImage.TYPE_3BYTE_BGR -> {
        byte[] src = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        if (src.length == out.length) {
          for (int i = 0; i < out.length; i += 3) {
            out[i] = src[i + 2];
            out[i + 1] = src[i + 1];
            out[i + 2] = src[i];
          }
          return new Image(w, h, out);
        }
      }
      case BufferedImage.TYPE_BYTE_GRAY -> {
        // Raw samples: drawing into RGB would apply Java's linear-gray colour conversion.
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
          bi.getRaster().getSamples(0, y, w, 1, 0, row);
          for (int x = 0; x < w; x++) {
            int o = (y * w + x) * 3;
            out[o] = (byte) row[x];
            out[o + 1] = (byte) row[x];
            out[o + 2] = (byte) row[x];
          }
        }
        return new Image(w, h, out);
      }
      default -> {}
    }
    int[] argb = bi.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < argb.length; i++) {
      out[i * 3] = (byte) (argb[i] >> 16);
      out[i * 3 + 1] = (byte) (argb[i] >> 8);
      out[i * 3 + 2] = (byte) argb[i];
    }
    return new Image(w, h, out);
  }

  /** An AWT {@code TYPE_3BYTE_BGR} copy of {@code img}. */
  public static BufferedImage toBufferedImage(Image img) {
    BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
    byte[] src = img.rgb();
    for (int i = 0; i < src.length; i += 3) {
      dst[i] = src[i + 2];
      dst[i + 1] = src[i + 1];
      dst[i + 2] = src[i];
    }
    return bi;
  }

  /** Writes {@code img} as a PNG file. */
  public static void writePng(Image img, Path path) throws IOException {
    if (!ImageIO.write(toBufferedImage(img), "png", path.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }
}
