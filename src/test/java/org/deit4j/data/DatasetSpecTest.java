package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSpecTest {
  @TempDir Path tmp;

  @Test
  void parsesKindPathSplitAndOptions() {
    DatasetSpec s = DatasetSpec.parse("idx:/usr/share/datasets/fashion-mnist:train");
    assertEquals(DatasetSpec.Kind.IDX, s.kind());
    assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), s.path());
    assertEquals("train", s.split());
    assertEquals(Map.of(), s.options());

    DatasetSpec f = DatasetSpec.parse("FOLDER:/data/imagenet?allowEmpty=true");
    assertEquals(DatasetSpec.Kind.FOLDER, f.kind());
    assertNull(f.split());
    assertEquals("true", f.options().get("allowEmpty"));

    DatasetSpec c = DatasetSpec.parse("cifar100:/d/cifar:test?perClass=5&names=digits");
    assertEquals(DatasetSpec.Kind.CIFAR100, c.kind());
    assertEquals("test", c.split());
    assertEquals("5", c.options().get("perClass"));

    DatasetSpec plain = DatasetSpec.parse("/data/x");
    assertEquals(DatasetSpec.Kind.AUTO, plain.kind());
    assertEquals(Path.of("/data/x"), plain.path());
    assertEquals("val", DatasetSpec.parse("relative/dir:val").split());
  }

  @Test
  void rejectsMalformedSpecs() {
    assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse(""));
    assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse("idx:"));
    assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse("idx:/a:"));
    assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse("/a?bogus=1"));
    assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse("/a?perClass=0"));
    assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse("/a?names=klingon"));
    assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse("/a?perClass"));
  }

  @Test
  void autoDetectsIdxCifarAndFolders() throws IOException {
    Path fashion = tmp.resolve("fashion");
    TestData.writeIdx(fashion, "train", 2, 2, new int[] {0, 1, 1, 2}, true);
    Dataset idx = DatasetSpec.parse(fashion.toString()).open();
    assertInstanceOf(IdxDataset.class, idx);
    assertEquals(ClassMap.FASHION_MNIST, idx.classes());
    assertEquals(3, DatasetSpec.parse(fashion + ":train?perClass=1").open().size());

    Path cifar = tmp.resolve("c10");
    Files.createDirectories(cifar);
    Files.write(cifar.resolve("data_batch_1.bin"), TestData.cifarRecords(0, new int[] {1}, null));
    assertEquals(DatasetSpec.Kind.CIFAR10, DatasetSpec.parse(cifar.toString()).resolveKind());
    assertInstanceOf(CifarDataset.class, DatasetSpec.parse(cifar.toString()).open());

    Path folder = tmp.resolve("imgs");
    for (String split : new String[] {"train", "val"}) {
      for (String cls : new String[] {"a", "b"}) {
        Path f = folder.resolve(split).resolve(cls).resolve("x.png");
        Files.createDirectories(f.getParent());
        ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
      }
    }
    // plain path with split: root/val is the ImageFolder
    Dataset val = DatasetSpec.parse(folder + ":val").open();
    assertInstanceOf(ImageFolder.class, val);
    assertEquals(folder.resolve("val"), ((ImageFolder) val).root());
    // no split: the folder itself, whose "classes" are train and val
    assertEquals(2, DatasetSpec.parse("folder:" + folder.resolve("train")).open().size());

    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty);
    IOException e =
        assertThrows(IOException.class, () -> DatasetSpec.parse(empty.toString()).open());
    assertTrue(e.getMessage().contains("cannot tell"), e.getMessage());
  }
}
