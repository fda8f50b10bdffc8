package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deit4j.augment.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxDatasetTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readsImagesAndLabels(boolean gzip) throws IOException {
    int[] labels = {3, 0, 9, 3, 1};
    TestData.writeIdx(tmp.resolve("mnist"), "train", 4, 5, labels, gzip);
    IdxDataset ds = IdxDataset.open(tmp.resolve("mnist"), "train", null);
    assertEquals(5, ds.size());
    assertEquals(ClassMap.DIGITS, ds.classes());
    for (int i = 0; i < labels.length; i++) {
      assertEquals(labels[i], ds.label(i));
      Image im = ds.image(i);
      assertEquals(5, im.width());
      assertEquals(4, im.height());
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 5; x++) {
          int v = TestData.pixel(i, y * 5 + x);
          for (int c = 0; c < 3; c++) {
            assertEquals(v, im.get(x, y, c), "image " + i + " at " + x + "," + y);
          }
        }
      }
    }
  }

  @Test
  void fashionNamesFromFolderNameAndTestSplit() throws IOException {
    Path dir = tmp.resolve("Fashion-MNIST");
    TestData.writeIdx(dir, "t10k", 2, 2, new int[] {9, 0}, true);
    IdxDataset ds = IdxDataset.open(dir, "test", null);
    assertEquals("Ankle boot", ds.classes().name(ds.label(0)));
    assertEquals("T-shirt/top", ds.classes().name(ds.label(1)));
    // explicit names win over the folder name
    assertEquals(ClassMap.DIGITS, IdxDataset.open(dir, "t10k", ClassMap.DIGITS).classes());
  }

  @Test
  void perClassKeepsFirstNInFileOrder() throws IOException {
    int[] labels = {0, 1, 0, 2, 0, 1, 1, 2};
    TestData.writeIdx(tmp, "train", 2, 2, labels, false);
    Dataset sub = IdxDataset.open(tmp, "train", null).perClass(2);
    int[] expected = {0, 1, 2, 3, 5, 7};
    assertEquals(expected.length, sub.size());
    int[] got = new int[sub.size()];
    for (int i = 0; i < got.length; i++) {
      got[i] = ((SubsetDataset) sub).baseIndex(i);
      assertEquals(labels[expected[i]], sub.label(i));
    }
    assertArrayEquals(expected, got);
    assertEquals(TestData.pixel(7, 0), sub.image(5).get(0, 0, 0));
  }

  @Test
  void rejectsBadFiles() throws IOException {
    TestData.writeIdx(tmp, "train", 2, 2, new int[] {1, 12}, false);
    IOException e =
        assertThrows(IOException.class, () -> IdxDataset.open(tmp, "train", ClassMap.DIGITS));
    assertTrue(e.getMessage().contains("label 12"), e.getMessage());
    Files.write(tmp.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
    assertThrows(IOException.class, () -> IdxDataset.open(tmp, "train", ClassMap.numbered(20)));
    assertThrows(IllegalArgumentException.class, () -> IdxDataset.open(tmp, "dev", null));
  }
}
