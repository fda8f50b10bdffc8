package org.deit4j.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundled Fashion-MNIST subset (the quickstart's), copied out for tests that train. */
public final class BundledData {
  private BundledData() {}

  /** Copies the bundled subset's four IDX files into {@code dir}; returns {@code dir}. */
  public static Path extractFashionMnist(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f :
        new String[] {
          "train-images-idx3-ubyte.gz",
          "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz"
        }) {
      try (InputStream in = BundledData.class.getResourceAsStream("/org/deit4j/quickstart/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir;
  }
}
