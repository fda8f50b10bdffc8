package org.deit4j.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.deit4j.augment.Image;

/**
 * The image decoding path under random corruption: mutated or truncated PNG, JPEG, BMP and GIF
 * files either decode to a well-formed RGB image or fail with {@link DecodeException} — never
 * another exception, never an OutOfMemoryError (the pixel cap is checked before decoding).
 *
 * <p>CI runs the default number of tries; a longer run: {@code mvn -B test
 * -Dtest=ImageDecoderFuzzProperties -Djqwik.tries.default=50000}.
 */
class ImageDecoderFuzzProperties {
  static final String[] FORMATS = {"png", "jpg", "bmp", "gif"};
  static final byte[][] VALID = new byte[FORMATS.length][];
  static final int[] OUTCOMES = new int[2]; // decoded, rejected

  static {
    BufferedImage img = new BufferedImage(23, 17, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 17; y++) {
      for (int x = 0; x < 23; x++) {
        img.setRGB(x, y, (x * 11) << 16 | (y * 15) << 8 | (x * y) & 0xff);
      }
    }
    for (int i = 0; i < FORMATS.length; i++) {
      try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
        ImageIO.write(img, FORMATS[i], out);
        VALID[i] = out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** One edit: kind 0 set byte, 1 flip bit, 2 truncate here, 3 insert byte. */
  record Edit(int kind, int pos, int value) {}

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Edit> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 4095),
                Arbitraries.integers().between(0, 255))
            .as(Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(6);
  }

  static byte[] apply(byte[] base, List<Edit> edits) {
    byte[] b = base.clone();
    for (Edit e : edits) {
      if (b.length == 0) {
        break;
      }
      // bias towards the header, where sizes and chunk lengths live
      int pos = e.pos() % Math.min(b.length, e.pos() < 2048 ? 64 : b.length);
      switch (e.kind()) {
        case 0 -> b[pos] = (byte) e.value();
        case 1 -> b[pos] ^= (byte) (1 << (e.value() & 7));
        case 2 -> b = java.util.Arrays.copyOf(b, pos);
        default -> {
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, pos);
          c[pos] = (byte) e.value();
          System.arraycopy(b, pos, c, pos + 1, b.length - pos);
          b = c;
        }
      }
    }
    return b;
  }

  @Property(seed = "4242")
  void corruptImagesDecodeOrFailCleanly(
      @ForAll("edits") List<Edit> edits, @ForAll("formats") int format) {
    byte[] bytes = apply(VALID[format], edits);
    try {
      Image img = ImageDecoder.decode(bytes, "fuzz." + FORMATS[format]);
      if (img.rgb().length != img.width() * img.height() * 3) {
        throw new AssertionError("malformed image " + img);
      }
      OUTCOMES[0]++;
    } catch (DecodeException expected) {
      OUTCOMES[1]++;
    }
  }

  @Provide
  Arbitrary<Integer> formats() {
    return Arbitraries.integers().between(0, FORMATS.length - 1);
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "[fuzz] image decoding: %d decoded, %d rejected with DecodeException, 0 other failures%n",
        OUTCOMES[0], OUTCOMES[1]);
  }
}
