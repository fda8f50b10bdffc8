package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.PointerScope;
import org.deit4j.augment.Recipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder with the kinds of broken files users meet (zero bytes, truncated JPEG, text with an
 * image extension, a PNG named .jpg, a header declaring a huge image) trains through the loader:
 * undecodable files are skipped and replaced, counted, and their paths reported; a mis-named but
 * valid image decodes (the content, not the extension, decides).
 */
class BrokenImagesTest {
  @TempDir Path root;

  @Test
  void brokenFilesAreSkippedCountedAndNamed() throws Exception {
    BufferedImage ok = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (String cls : List.of("cat", "dog")) {
      Files.createDirectories(root.resolve(cls));
      for (int i = 0; i < 6; i++) {
        ImageIO.write(ok, "png", root.resolve(cls + "/good" + i + ".png").toFile());
      }
    }
    ImageIO.write(ok, "png", root.resolve("cat/really-a-png.jpg").toFile()); // wrong extension
    Files.write(root.resolve("cat/empty.png"), new byte[0]); // zero bytes
    byte[] jpg;
    try (var out = new java.io.ByteArrayOutputStream()) {
      ImageIO.write(ok, "jpg", out);
      jpg = out.toByteArray();
    }
    Files.write(root.resolve("dog/truncated.jpg"), Arrays.copyOf(jpg, jpg.length / 3));
    Files.writeString(root.resolve("dog/notes.png"), "not an image");
    // a PNG header declaring 100000 x 100000 pixels: refused before any pixel is decoded
    byte[] png;
    try (var out = new java.io.ByteArrayOutputStream()) {
      ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
      png = out.toByteArray();
    }
    java.nio.ByteBuffer.wrap(png, 16, 8).putInt(100_000).putInt(100_000);
    Files.write(root.resolve("dog/bomb.png"), png);

    Dataset ds = ImageFolder.open(root);
    assertEquals(17, ds.size());
    Loader loader =
        new Loader(
            ds,
            new SequentialSampler(ds.size()),
            Recipes.none(32).build(),
            Loader.Config.of(4).withThreads(2));
    int images = 0;
    try (loader;
        Loader.EpochIterator it = loader.epoch(0)) {
      while (it.hasNext()) {
        try (PointerScope s = new PointerScope()) {
          images += it.next().size();
        }
      }
    }
    assertEquals(17, images, "every position is filled (broken ones by the next good image)");
    List<String> named = loader.failures().failedSources(10);
    // four broken files; an attempt is counted each time one is tried (a broken file can also be
    // tried as the replacement of its broken neighbour)
    assertEquals(4, named.size(), named.toString());
    assertTrue(loader.failures().failures() >= 4);
    for (String f : List.of("empty.png", "truncated.jpg", "notes.png", "bomb.png")) {
      assertTrue(named.stream().anyMatch(s -> s.contains("/" + f + ":")), f + " not in " + named);
    }
  }
}
