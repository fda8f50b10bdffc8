package org.deit4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.deit4j.augment.Image;

/**
 * Decodes an image file to 8-bit RGB the way timm's loader does ({@code
 * PIL.Image.open(f).convert('RGB')}): grayscale is replicated, palettes are looked up, alpha is
 * dropped (not composited), 16-bit samples keep their high byte (PIL's 16-bit RGB unpacking; PIL
 * clamps 16-bit grayscale instead, which we consider a PIL accident). CMYK/YCCK JPEGs need the
 * TwelveMonkeys JPEG plugin on the class path, which converts them to RGB through their ICC profile
 * (PIL uses a naive formula, so those pixels differ slightly). EXIF orientation is ignored, as
 * PIL's {@code open} ignores it. The first frame of an animated GIF is used.
 *
 * <p>Decompression-bomb guard: the header is read first and images declaring more than {@link
 * #MAX_PIXELS} pixels are refused before any pixel is decoded. (Pillow warns above this many pixels
 * and raises above twice as many; we refuse at the warning level.)
 */
public final class ImageDecoder {
  /** Pillow's {@code Image.MAX_IMAGE_PIXELS}: {@code 1024 * 1024 * 1024 / 4 / 3}. */
  public static final long MAX_PIXELS = 89_478_485L;

  static {
    // In-memory streams only: ImageIO's disk cache makes every decode create a temp file.
    ImageIO.setUseCache(false);
  }

  private ImageDecoder() {}

  /**
   * Reads and decodes {@code file}.
   *
   * @throws DecodeException if the file cannot be read, has no ImageIO reader, is too large or is
   *     corrupt
   */
  public static Image decode(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DecodeException(file.toString(), "cannot read: " + e, e);
    }
    return decode(bytes, file.toString());
  }

  /** Decodes an encoded image held in memory; {@code source} names it in errors. */
  public static Image decode(byte[] encoded, String source) {
    BufferedImage bi = read(encoded, source, MAX_PIXELS);
    return toRgb(bi);
  }

  /** Width and height declared by the header, without decoding pixels. */
  public static int[] size(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader r = readerFor(in, file.toString());
      try {
        r.setInput(in, true, true);
        return new int[] {r.getWidth(0), r.getHeight(0)};
      } finally {
        r.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof DecodeException d) {
        throw d;
      }
      throw new DecodeException(file.toString(), "cannot read header: " + e, e);
    }
  }

  static BufferedImage read(byte[] encoded, String source, long maxPixels) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      ImageReader r = readerFor(in, source);
      try {
        r.setInput(in, true, true);
        long w = r.getWidth(0);
        long h = r.getHeight(0);
        if (w * h > maxPixels) {
          throw new DecodeException(
              source,
              "image declares "
                  + w
                  + "x"
                  + h
                  + " = "
                  + w * h
                  + " pixels, above the decompression-bomb limit of "
                  + maxPixels,
              null);
        }
        BufferedImage bi = r.read(0);
        if (bi == null) {
          throw new DecodeException(source, "reader returned no image", null);
        }
        return bi;
      } finally {
        r.dispose();
      }
    } catch (DecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // ImageIO reports corrupt data with IIOException but also with assorted runtime exceptions
      // (ArrayIndexOutOfBounds, IllegalArgument, ...): all mean "this file is unusable".
      throw new DecodeException(source, "cannot decode: " + e, e);
    }
  }

  private static ImageReader readerFor(ImageInputStream in, String source) {
    if (in == null) {
      throw new DecodeException(source, "cannot open an image stream", null);
    }
    Iterator<ImageReader> it = ImageIO.getImageReaders(in);
    if (!it.hasNext()) {
      throw new DecodeException(source, "not a supported image format", null);
    }
    return it.next();
  }

  /** Converts any decoded image to 8-bit RGB with PIL {@code convert('RGB')} semantics. */
  static Image toRgb(BufferedImage bi) {
    int w = bi.getWidth();
    int h = bi.getHeight();
    byte[] out = new byte[Math.multiplyExact(w * h, 3)];
    Raster raster = bi.getRaster();
    ColorModel cm = bi.getColorModel();
    int type = bi.getType();
    if (type == BufferedImage.TYPE_3BYTE_BGR && isPlainBytes(raster, w, h, 3)) {
      // the common JPEG case: B,G,R bytes
      byte[] src = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0; i < out.length; i += 3) {
        out[i] = src[i + 2];
        out[i + 1] = src[i + 1];
        out[i + 2] = src[i];
      }
      return new Image(w, h, out);
    }
    if (type == BufferedImage.TYPE_BYTE_GRAY && isPlainBytes(raster, w, h, 1)) {
      // Raw gray samples; BufferedImage.getRGB would gamma-convert linear gray to sRGB.
      byte[] src = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0, q = 0; i < src.length; i++, q += 3) {
        out[q] = src[i];
        out[q + 1] = src[i];
        out[q + 2] = src[i];
      }
      return new Image(w, h, out);
    }
    if (cm instanceof IndexColorModel icm) {
      int[] idx = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, idx);
        for (int x = 0, q = y * w * 3; x < w; x++, q += 3) {
          out[q] = (byte) icm.getRed(idx[x]);
          out[q + 1] = (byte) icm.getGreen(idx[x]);
          out[q + 2] = (byte) icm.getBlue(idx[x]);
        }
      }
      return new Image(w, h, out);
    }
    int space = cm.getColorSpace().getType();
    boolean rgb = cm.getColorSpace().isCS_sRGB() && cm.getNumColorComponents() == 3;
    boolean gray = space == java.awt.color.ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
    if ((rgb || gray) && !cm.isAlphaPremultiplied()) {
      // Read the stored samples (alpha band ignored) and keep the top 8 bits of each.
      int bands = rgb ? 3 : 1;
      int[] shift = new int[bands];
      int[] bits = new int[bands];
      for (int b = 0; b < bands; b++) {
        bits[b] = cm.getComponentSize(b);
        shift[b] = Math.max(0, bits[b] - 8);
      }
      int[] row = new int[w];
      for (int b = 0; b < 3; b++) {
        int sb = rgb ? b : 0;
        for (int y = 0; y < h; y++) {
          raster.getSamples(0, y, w, 1, sb, row);
          for (int x = 0, q = y * w * 3 + b; x < w; x++, q += 3) {
            out[q] = (byte) to8(row[x], bits[sb], shift[sb]);
          }
        }
      }
      return new Image(w, h, out);
    }
    // Anything else (other colour spaces, premultiplied alpha): let Java2D convert to sRGB.
    int[] argb = bi.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0, q = 0; i < argb.length; i++, q += 3) {
      out[q] = (byte) (argb[i] >> 16);
      out[q + 1] = (byte) (argb[i] >> 8);
      out[q + 2] = (byte) argb[i];
    }
    return new Image(w, h, out);
  }

  /** An n-bit sample scaled to 8 bits: top byte for >= 8 bits, exact rescale for 1/2/4 bits. */
  private static int to8(int v, int bits, int shift) {
    if (bits >= 8) {
      return v >>> shift;
    }
    int max = (1 << bits) - 1;
    return v * 255 / max;
  }

  /** True if the raster is a tightly packed interleaved byte array we can read directly. */
  private static boolean isPlainBytes(Raster r, int w, int h, int bands) {
    return r.getDataBuffer() instanceof DataBufferByte db
        && db.getNumBanks() == 1
        && db.getData().length == w * h * bands
        && r.getSampleModelTranslateX() == 0
        && r.getSampleModelTranslateY() == 0
        && r.getNumBands() == bands;
  }
}
