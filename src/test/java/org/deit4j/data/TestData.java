package org.deit4j.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX and CIFAR files for tests. */
final class TestData {
  private TestData() {}

  /** Pixel value of image {@code n} at flat position {@code p} (distinct per image). */
  static int pixel(int n, int p) {
    return (n * 31 + p * 7) & 0xff;
  }

  /**
   * Writes {@code <prefix>-images-idx3-ubyte} and labels {@code labels} into {@code dir}, each
   * image {@code rows x cols} with {@link #pixel} values.
   */
  static void writeIdx(Path dir, String prefix, int rows, int cols, int[] labels, boolean gzip)
      throws IOException {
    Files.createDirectories(dir);
    int n = labels.length;
    ByteBuffer img = ByteBuffer.allocate(16 + n * rows * cols);
    img.putInt(0x803).putInt(n).putInt(rows).putInt(cols);
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < rows * cols; p++) {
        img.put((byte) pixel(i, p));
      }
    }
    ByteBuffer lab = ByteBuffer.allocate(8 + n);
    lab.putInt(0x801).putInt(n);
    for (int l : labels) {
      lab.put((byte) l);
    }
    String gz = gzip ? ".gz" : "";
    write(dir.resolve(prefix + "-images-idx3-ubyte" + gz), img.array(), gzip);
    write(dir.resolve(prefix + "-labels-idx1-ubyte" + gz), lab.array(), gzip);
  }

  static void write(Path f, byte[] bytes, boolean gzip) throws IOException {
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      out.write(bytes);
    }
  }

  /**
   * CIFAR records: for CIFAR-100 ({@code coarse != null}) a coarse byte then the fine label; then
   * R, G, B planes with plane value {@code pixel(first + i, p) + plane}.
   */
  static byte[] cifarRecords(int first, int[] labels, int[] coarse) {
    int lb = coarse == null ? 1 : 2;
    int rec = lb + 3072;
    byte[] b = new byte[labels.length * rec];
    for (int i = 0; i < labels.length; i++) {
      int o = i * rec;
      if (coarse != null) {
        b[o++] = (byte) coarse[i];
      }
      b[o++] = (byte) labels[i];
      for (int plane = 0; plane < 3; plane++) {
        for (int p = 0; p < 1024; p++) {
          b[o + plane * 1024 + p] = (byte) (pixel(first + i, p) + plane);
        }
      }
    }
    return b;
  }
}
