package org.deit4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deit4j.augment.Image;

/**
 * MNIST-style IDX files (LeCun's format, also Fashion-MNIST): an {@code idx3-ubyte} image file
 * ({@code N x H x W} unsigned bytes) and an {@code idx1-ubyte} label file, raw or gzipped.
 * Grayscale pixels are kept as one compact {@code byte[]} and replicated to RGB when an image is
 * requested (what PIL's {@code convert('RGB')} does with an "L" image).
 */
public final class IdxDataset implements Dataset {
  private static final int IMAGES_MAGIC = 0x00000803; // ubyte, 3 dimensions
  private static final int LABELS_MAGIC = 0x00000801; // ubyte, 1 dimension

  private final byte[] pixels; // whole image file, header included
  private final int offset;
  private final int count;
  private final int rows;
  private final int cols;
  private final byte[] labels; // one per image
  private final ClassMap classes;
  private final String name;

  private IdxDataset(
      byte[] pixels,
      int offset,
      int count,
      int rows,
      int cols,
      byte[] labels,
      ClassMap classes,
      String name) {
    this.pixels = pixels;
    this.offset = offset;
    this.count = count;
    this.rows = rows;
    this.cols = cols;
    this.labels = labels;
    this.classes = classes;
    this.name = name;
  }

  /**
   * Opens a split in a folder holding {@code <prefix>-images-idx3-ubyte[.gz]} and {@code
   * <prefix>-labels-idx1-ubyte[.gz]} (also with {@code .idx3-ubyte}), where the prefix is {@code
   * train} for split "train" and {@code t10k} for "test"/"t10k"/"val".
   *
   * @param dir the folder
   * @param split "train", "test", "t10k" or "val"
   * @param classes class names, or null to choose Fashion-MNIST names when the folder path contains
   *     "fashion" and digits "0".."9" otherwise
   */
  public static IdxDataset open(Path dir, String split, ClassMap classes) throws IOException {
    String prefix =
        switch (split.toLowerCase(Locale.ROOT)) {
          case "train" -> "train";
          case "test", "t10k", "val" -> "t10k";
          default ->
              throw new IllegalArgumentException(
                  "IDX split must be train or test (t10k), got '" + split + "'");
        };
    Path images = find(dir, prefix, "images", "idx3");
    Path labels = find(dir, prefix, "labels", "idx1");
    if (classes == null) {
      classes = looksLikeFashion(dir) ? ClassMap.FASHION_MNIST : ClassMap.DIGITS;
    }
    return open(images, labels, classes);
  }

  /** True if the folder (or a parent) is named like Fashion-MNIST. */
  static boolean looksLikeFashion(Path dir) {
    return dir.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT).contains("fashion");
  }

  /** True if {@code dir} holds an IDX image file. */
  static boolean isIdxFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().matches("(?i).*[-.]idx3-ubyte(\\.gz)?"));
    }
  }

  private static Path find(Path dir, String prefix, String kind, String idx) throws IOException {
    Pattern want = Pattern.compile("(?i)" + prefix + "-" + kind + "[-.]" + idx + "-ubyte(\\.gz)?");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> want.matcher(p.getFileName().toString()).matches())
          .sorted() // raw before .gz when both exist
          .findFirst()
          .orElseThrow(
              () ->
                  new java.nio.file.NoSuchFileException(
                      dir.resolve(prefix + "-" + kind + "-" + idx + "-ubyte[.gz]").toString()));
    }
  }

  /**
   * Opens an image file and a label file.
   *
   * @param classes class names; every label must be below {@code classes.size()}
   */
  public static IdxDataset open(Path imagesFile, Path labelsFile, ClassMap classes)
      throws IOException {
    byte[] img = DataFiles.readMaybeGzip(imagesFile);
    byte[] lab = DataFiles.readMaybeGzip(labelsFile);
    if (img.length < 16 || DataFiles.bigEndianInt(img, 0) != IMAGES_MAGIC) {
      throw new IOException(imagesFile + ": not an IDX ubyte image file (magic 0x00000803)");
    }
    if (lab.length < 8 || DataFiles.bigEndianInt(lab, 0) != LABELS_MAGIC) {
      throw new IOException(labelsFile + ": not an IDX ubyte label file (magic 0x00000801)");
    }
    int n = DataFiles.bigEndianInt(img, 4);
    int rows = DataFiles.bigEndianInt(img, 8);
    int cols = DataFiles.bigEndianInt(img, 12);
    int nl = DataFiles.bigEndianInt(lab, 4);
    if (n < 0 || rows <= 0 || cols <= 0) {
      throw new IOException(imagesFile + ": bad IDX dimensions " + n + "x" + rows + "x" + cols);
    }
    if ((long) n * rows * cols + 16 != img.length) {
      throw new IOException(
          imagesFile
              + ": header says "
              + n
              + " images of "
              + rows
              + "x"
              + cols
              + " but the file has "
              + (img.length - 16)
              + " pixel bytes");
    }
    if (nl != n || lab.length != 8 + n) {
      throw new IOException(
          labelsFile + ": " + nl + " labels (" + (lab.length - 8) + " bytes) for " + n + " images");
    }
    byte[] labels = java.util.Arrays.copyOfRange(lab, 8, 8 + n);
    for (int i = 0; i < n; i++) {
      if ((labels[i] & 0xff) >= classes.size()) {
        throw new IOException(
            labelsFile
                + ": label "
                + (labels[i] & 0xff)
                + " at "
                + i
                + " but "
                + classes.size()
                + " classes");
      }
    }
    return new IdxDataset(
        img, 16, n, rows, cols, labels, classes, imagesFile.getFileName().toString());
  }

  /** Image height (rows). */
  public int rows() {
    return rows;
  }

  /** Image width (columns). */
  public int cols() {
    return cols;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public Image image(int i) {
    java.util.Objects.checkIndex(i, count);
    int hw = rows * cols;
    int base = offset + i * hw;
    byte[] rgb = new byte[hw * 3];
    for (int p = 0, q = 0; p < hw; p++, q += 3) {
      byte v = pixels[base + p];
      rgb[q] = v;
      rgb[q + 1] = v;
      rgb[q + 2] = v;
    }
    return new Image(cols, rows, rgb);
  }

  @Override
  public int label(int i) {
    return labels[i] & 0xff;
  }

  @Override
  public ClassMap classes() {
    return classes;
  }

  @Override
  public String source(int i) {
    return name + "#" + i;
  }
}
