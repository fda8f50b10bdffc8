package org.deit4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** File helpers shared by the array-backed datasets. */
final class DataFiles {
  private DataFiles() {}

  /** All bytes of {@code file}, gunzipped when its name ends in {@code .gz}. */
  static byte[] readMaybeGzip(Path file) throws IOException {
    if (!file.getFileName().toString().endsWith(".gz")) {
      return Files.readAllBytes(file);
    }
    try (InputStream in =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)), 1 << 16)) {
      // readAllBytes fails cleanly (OutOfMemoryError aside) past 2 GB; datasets here are far
      // smaller.
      return in.readAllBytes();
    }
  }

  /** Big-endian unsigned 32-bit int at {@code off}, as the IDX header stores it. */
  static int bigEndianInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }
}
