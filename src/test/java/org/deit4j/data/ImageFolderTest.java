package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.deit4j.augment.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  private static final int W = 8;
  private static final int H = 6;

  @TempDir Path tmp;

  /** Reference colour at (x, y): distinct channels, smooth enough for JPEG. */
  private static int[] rgbAt(int x, int y) {
    return new int[] {40 + 20 * x, 30 + 30 * y, 200 - 10 * x};
  }

  private static BufferedImage rgbImage(int type) {
    BufferedImage bi = new BufferedImage(W, H, type);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int[] c = rgbAt(x, y);
        bi.setRGB(x, y, 0xff000000 | c[0] << 16 | c[1] << 8 | c[2]);
      }
    }
    return bi;
  }

  private static void write(BufferedImage bi, String format, Path f) throws IOException {
    Files.createDirectories(f.getParent());
    assertTrue(ImageIO.write(bi, format, f.toFile()), "no " + format + " writer for " + bi);
  }

  private static void assertRgb(Image im, int tolerance) {
    assertEquals(W, im.width());
    assertEquals(H, im.height());
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int[] c = rgbAt(x, y);
        for (int ch = 0; ch < 3; ch++) {
          int d = Math.abs(im.get(x, y, ch) - c[ch]);
          assertTrue(d <= tolerance, "at " + x + "," + y + " ch " + ch + " diff " + d);
        }
      }
    }
  }

  @Test
  void decodesLosslessRgbFormatsExactly() throws IOException {
    write(rgbImage(BufferedImage.TYPE_INT_RGB), "png", tmp.resolve("a.png"));
    write(rgbImage(BufferedImage.TYPE_3BYTE_BGR), "bmp", tmp.resolve("a.bmp"));
    assertRgb(ImageDecoder.decode(tmp.resolve("a.png")), 0);
    assertRgb(ImageDecoder.decode(tmp.resolve("a.bmp")), 0);
  }

  @Test
  void decodesJpegApproximately() throws IOException {
    write(rgbImage(BufferedImage.TYPE_3BYTE_BGR), "jpg", tmp.resolve("a.jpg"));
    assertRgb(ImageDecoder.decode(tmp.resolve("a.jpg")), 24);
  }

  @Test
  void grayIsReplicatedWithoutGammaChange() throws IOException {
    BufferedImage g = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        g.getRaster().setSample(x, y, 0, 10 * x + 40 * y);
      }
    }
    write(g, "png", tmp.resolve("g.png"));
    Image im = ImageDecoder.decode(tmp.resolve("g.png"));
    for (int c = 0; c < 3; c++) {
      assertEquals(10 * 3 + 40 * 2, im.get(3, 2, c));
      assertEquals(0, im.get(0, 0, c));
    }
    write(g, "jpg", tmp.resolve("g.jpg"));
    Image j = ImageDecoder.decode(tmp.resolve("g.jpg"));
    assertTrue(Math.abs(j.get(3, 2, 0) - 110) <= 8, "gray jpeg " + j.get(3, 2, 0));
    assertEquals(j.get(3, 2, 0), j.get(3, 2, 2));
  }

  @Test
  void paletteAndGifLookUpColours() throws IOException {
    byte[] r = {0, (byte) 255, 10, 100};
    byte[] gr = {0, 0, (byte) 200, 50};
    byte[] b = {0, 0, 30, (byte) 250};
    // index 3 is transparent: PIL convert('RGB') still yields its palette colour
    IndexColorModel icm = new IndexColorModel(2, 4, r, gr, b, 3);
    BufferedImage p = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, icm);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        p.getRaster().setSample(x, y, 0, (x + y) % 4);
      }
    }
    write(p, "png", tmp.resolve("p.png"));
    write(p, "gif", tmp.resolve("p.gif"));
    for (String f : List.of("p.png", "p.gif")) {
      Image im = ImageDecoder.decode(tmp.resolve(f));
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int i = (x + y) % 4;
          assertEquals(r[i] & 0xff, im.get(x, y, 0), f);
          assertEquals(gr[i] & 0xff, im.get(x, y, 1), f);
          assertEquals(b[i] & 0xff, im.get(x, y, 2), f);
        }
      }
    }
  }

  @Test
  void rgbaDropsAlphaWithoutCompositing() throws IOException {
    BufferedImage a = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int[] c = rgbAt(x, y);
        int alpha = (x * 37) & 0xff; // includes fully transparent pixels
        a.setRGB(x, y, alpha << 24 | c[0] << 16 | c[1] << 8 | c[2]);
      }
    }
    write(a, "png", tmp.resolve("a.png"));
    assertRgb(ImageDecoder.decode(tmp.resolve("a.png")), 0);
  }

  @Test
  void sixteenBitKeepsHighByte() throws IOException {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            new int[] {16, 16, 16},
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster wr = cm.createCompatibleWritableRaster(W, H);
    BufferedImage g16 = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int[] c = rgbAt(x, y);
        for (int ch = 0; ch < 3; ch++) {
          wr.setSample(x, y, ch, c[ch] << 8 | 0xab);
        }
        g16.getRaster().setSample(x, y, 0, c[0] << 8 | 0xff);
      }
    }
    write(new BufferedImage(cm, wr, false, null), "png", tmp.resolve("c16.png"));
    write(g16, "png", tmp.resolve("g16.png"));
    assertRgb(ImageDecoder.decode(tmp.resolve("c16.png")), 0);
    Image g = ImageDecoder.decode(tmp.resolve("g16.png"));
    assertEquals(rgbAt(5, 1)[0], g.get(5, 1, 0));
    assertEquals(rgbAt(5, 1)[0], g.get(5, 1, 2));
  }

  @Test
  void cmykJpegDecodesToRgb() throws IOException {
    // The JDK/TwelveMonkeys writer stores a 4-band raster as a 4-component JPEG without colour
    // transform; an Adobe APP14 marker (transform 0) then declares it CMYK, as Photoshop writes
    // them, with inverted samples (stored 0 = full ink). javax.imageio alone cannot read this.
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    assumeTrue(writers.hasNext());
    ImageWriter w = writers.next();
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, W, H, 4, null);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        // left half: full cyan ink; right half: no ink (white)
        cmyk.setPixel(x, y, new int[] {x < W / 2 ? 0 : 255, 255, 255, 255});
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      w.setOutput(out);
      w.write(null, new IIOImage(cmyk, null, null), w.getDefaultWriteParam());
    } finally {
      w.dispose();
    }
    byte[] raw = bytes.toByteArray();
    byte[] app14 = {
      (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 0x64, 0, 0, 0, 0, 0
    };
    byte[] jpeg = new byte[raw.length + app14.length];
    System.arraycopy(raw, 0, jpeg, 0, 2); // SOI
    System.arraycopy(app14, 0, jpeg, 2, app14.length);
    System.arraycopy(raw, 2, jpeg, 2 + app14.length, raw.length - 2);
    Image im = ImageDecoder.decode(jpeg, "cmyk.jpg");
    assertEquals(W, im.width());
    // cyan: red off, green and blue on; white on the right (tolerance for JPEG and ICC rounding)
    assertTrue(im.get(1, 3, 0) < 40, "cyan red " + im.get(1, 3, 0));
    assertTrue(im.get(1, 3, 1) > 200 && im.get(1, 3, 2) > 200, "cyan green/blue");
    for (int c = 0; c < 3; c++) {
      assertTrue(im.get(W - 2, 3, c) > 230, "white channel " + c + " " + im.get(W - 2, 3, c));
    }
  }

  @Test
  void refusesDecompressionBombFromHeader() throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", png);
    byte[] b = png.toByteArray();
    // IHDR data starts at byte 16: width, height (big-endian); then re-sign the chunk CRC.
    ByteBuffer bb = ByteBuffer.wrap(b);
    bb.putInt(16, 10_000);
    bb.putInt(20, 9_000); // 90 million pixels > 89,478,485
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17); // "IHDR" + 13 data bytes
    bb.putInt(29, (int) crc.getValue());
    DecodeException e =
        assertThrows(DecodeException.class, () -> ImageDecoder.decode(b, "bomb.png"));
    assertTrue(e.getMessage().contains("decompression-bomb"), e.getMessage());
    // just under the cap the header is accepted (the decode then fails on the missing data)
    bb.putInt(20, 8_947);
    crc.reset();
    crc.update(b, 12, 17);
    bb.putInt(29, (int) crc.getValue());
    DecodeException e2 =
        assertThrows(DecodeException.class, () -> ImageDecoder.decode(b, "short.png"));
    assertTrue(!e2.getMessage().contains("decompression-bomb"), e2.getMessage());
  }

  @Test
  void corruptAndUnknownFilesThrowDecodeException() throws IOException {
    Files.write(tmp.resolve("x.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
    Files.write(tmp.resolve("y.png"), "not an image".getBytes());
    assertThrows(DecodeException.class, () -> ImageDecoder.decode(tmp.resolve("x.jpg")));
    assertThrows(DecodeException.class, () -> ImageDecoder.decode(tmp.resolve("y.png")));
    assertThrows(DecodeException.class, () -> ImageDecoder.decode(tmp.resolve("missing.png")));
  }

  @Test
  void scansSortedClassesAndFilesRecursively() throws IOException {
    BufferedImage bi = rgbImage(BufferedImage.TYPE_INT_RGB);
    write(bi, "png", tmp.resolve("dog/b.png"));
    write(bi, "png", tmp.resolve("dog/a.PNG"));
    write(bi, "png", tmp.resolve("dog/sub/c.png"));
    write(bi, "png", tmp.resolve("cat/z.png"));
    write(bi, "png", tmp.resolve("Zebra/1.png"));
    Files.writeString(tmp.resolve("dog/notes.txt"), "ignored");
    Files.writeString(tmp.resolve("README"), "not a class");
    ImageFolder ds = ImageFolder.open(tmp);
    assertEquals(List.of("Zebra", "cat", "dog"), ds.classes().names());
    assertEquals(5, ds.size());
    String[] expected = {"Zebra/1.png", "cat/z.png", "dog/a.PNG", "dog/b.png", "dog/sub/c.png"};
    int[] labels = {0, 1, 2, 2, 2};
    for (int i = 0; i < 5; i++) {
      assertEquals(tmp.resolve(expected[i]), ds.path(i));
      assertEquals(labels[i], ds.label(i));
    }
    assertRgb(ds.image(4), 0);
  }

  @Test
  void emptyClassIsAnErrorUnlessAllowed() throws IOException {
    write(rgbImage(BufferedImage.TYPE_INT_RGB), "png", tmp.resolve("a/x.png"));
    Files.createDirectories(tmp.resolve("b"));
    IOException e = assertThrows(IOException.class, () -> ImageFolder.open(tmp));
    assertTrue(e.getMessage().contains("[b]"), e.getMessage());
    ImageFolder ds = ImageFolder.open(tmp, true);
    assertEquals(2, ds.classes().size());
    assertEquals(1, ds.size());
  }
}
