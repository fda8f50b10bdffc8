package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deit4j.augment.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDatasetTest {
  @TempDir Path tmp;

  @Test
  void cifar10BatchesInNumericOrderWithMetaNames() throws IOException {
    // data_batch_10 sorts after data_batch_2 numerically (and before it as a string).
    Files.write(tmp.resolve("data_batch_2.bin"), TestData.cifarRecords(2, new int[] {4, 5}, null));
    Files.write(tmp.resolve("data_batch_1.bin"), TestData.cifarRecords(0, new int[] {1, 2}, null));
    Files.write(tmp.resolve("data_batch_10.bin"), TestData.cifarRecords(4, new int[] {7}, null));
    Files.write(tmp.resolve("test_batch.bin"), TestData.cifarRecords(0, new int[] {9}, null));
    List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    Files.write(tmp.resolve("batches.meta.txt"), (String.join("\n", names) + "\n\n").getBytes());
    CifarDataset ds = CifarDataset.open(tmp, CifarDataset.Variant.CIFAR10, "train");
    assertEquals(5, ds.size());
    assertEquals(names, ds.classes().names());
    int[] labels = {1, 2, 4, 5, 7};
    for (int i = 0; i < 5; i++) {
      assertEquals(labels[i], ds.label(i));
      Image im = ds.image(i);
      assertEquals(32, im.width());
      // pixel (x=3, y=2) is flat position 67; planes R, G, B carry +0, +1, +2
      for (int c = 0; c < 3; c++) {
        assertEquals((TestData.pixel(i, 67) + c) & 0xff, im.get(3, 2, c));
      }
    }
    CifarDataset test = CifarDataset.open(tmp, CifarDataset.Variant.CIFAR10, "test");
    assertEquals(1, test.size());
    assertEquals("j", test.classes().name(test.label(0)));
  }

  @Test
  void cifar100UsesFineLabel() throws IOException {
    Files.write(
        tmp.resolve("train.bin"),
        TestData.cifarRecords(0, new int[] {42, 99, 0}, new int[] {3, 19, 4}));
    CifarDataset ds = CifarDataset.open(tmp, CifarDataset.Variant.CIFAR100, "train");
    assertEquals(3, ds.size());
    assertEquals(100, ds.classes().size());
    assertEquals(42, ds.label(0));
    assertEquals(99, ds.label(1));
    assertEquals(0, ds.label(2));
    assertEquals((TestData.pixel(1, 0) + 2) & 0xff, ds.image(1).get(0, 0, 2));
    assertEquals(CifarDataset.Variant.CIFAR100, CifarDataset.detect(tmp));
  }

  @Test
  void cifar10DefaultNamesAndTruncatedFile() throws IOException {
    Files.write(tmp.resolve("data_batch_1.bin"), TestData.cifarRecords(0, new int[] {0}, null));
    assertEquals(
        ClassMap.CIFAR10, CifarDataset.open(tmp, CifarDataset.Variant.CIFAR10, "train").classes());
    Files.write(tmp.resolve("data_batch_1.bin"), new byte[3000]);
    assertThrows(
        IOException.class, () -> CifarDataset.open(tmp, CifarDataset.Variant.CIFAR10, "train"));
  }
}
