package org.deit4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deit4j.augment.Image;

/**
 * CIFAR-10 / CIFAR-100 in the "binary version" layout (Krizhevsky 2009): fixed-size records of
 * label byte(s) followed by 3072 bytes, the 32x32 R plane, then G, then B. CIFAR-10 records have 1
 * label byte; CIFAR-100 records have a coarse then a fine label byte, and the fine label is used
 * (as torchvision's {@code CIFAR100}). Records are kept packed and interleaved to RGB on demand.
 *
 * <p>Files: CIFAR-10 train = {@code data_batch_1.bin .. data_batch_5.bin} (numeric order), test =
 * {@code test_batch.bin}; CIFAR-100 train = {@code train.bin}, test = {@code test.bin}. Class names
 * come from {@code batches.meta.txt} (CIFAR-10) or {@code fine_label_names.txt} (CIFAR-100) when
 * present, one per line; otherwise CIFAR-10's standard names or "0".."99".
 */
public final class CifarDataset implements Dataset {
  /** Which of the two datasets. */
  public enum Variant {
    CIFAR10(1, 10),
    CIFAR100(2, 100);

    final int labelBytes;
    final int numClasses;

    Variant(int labelBytes, int numClasses) {
      this.labelBytes = labelBytes;
      this.numClasses = numClasses;
    }

    int recordBytes() {
      return labelBytes + PIXELS * 3;
    }
  }

  private static final int SIDE = 32;
  private static final int PIXELS = SIDE * SIDE;
  private static final Pattern BATCH = Pattern.compile("data_batch_(\\d+)\\.bin");

  private final Variant variant;
  private final byte[] records;
  private final int count;
  private final ClassMap classes;

  private CifarDataset(Variant variant, byte[] records, ClassMap classes) {
    this.variant = variant;
    this.records = records;
    this.count = records.length / variant.recordBytes();
    this.classes = classes;
  }

  /**
   * Opens a split.
   *
   * @param dir folder with the {@code .bin} files (e.g. {@code cifar-10-batches-bin})
   * @param variant CIFAR-10 or CIFAR-100
   * @param split "train" or "test"
   */
  public static CifarDataset open(Path dir, Variant variant, String split) throws IOException {
    boolean train =
        switch (split.toLowerCase(Locale.ROOT)) {
          case "train" -> true;
          case "test", "val" -> false;
          default ->
              throw new IllegalArgumentException(
                  "CIFAR split must be train or test, got '" + split + "'");
        };
    List<Path> files = new ArrayList<>();
    if (variant == Variant.CIFAR10 && train) {
      files.addAll(trainBatches(dir));
      if (files.isEmpty()) {
        throw new NoSuchFileException(dir.resolve("data_batch_1.bin").toString());
      }
    } else {
      String f = variant == Variant.CIFAR10 ? "test_batch.bin" : (train ? "train.bin" : "test.bin");
      files.add(dir.resolve(f));
    }
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (Path f : files) {
      byte[] b = Files.readAllBytes(f);
      if (b.length % variant.recordBytes() != 0) {
        throw new IOException(
            f
                + ": "
                + b.length
                + " bytes is not a whole number of "
                + variant.recordBytes()
                + "-byte "
                + variant
                + " records");
      }
      all.write(b);
    }
    byte[] records = all.toByteArray();
    ClassMap classes = readNames(dir, variant);
    CifarDataset ds = new CifarDataset(variant, records, classes);
    for (int i = 0; i < ds.count; i++) {
      if (ds.label(i) >= classes.size()) {
        throw new IOException(
            dir
                + ": label "
                + ds.label(i)
                + " at record "
                + i
                + " but "
                + classes.size()
                + " classes");
      }
    }
    return ds;
  }

  /** {@code data_batch_<n>.bin} files in numeric order. */
  static List<Path> trainBatches(Path dir) throws IOException {
    java.util.TreeMap<Integer, Path> byNumber = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(
          p -> {
            Matcher m = BATCH.matcher(p.getFileName().toString());
            if (m.matches()) {
              byNumber.put(Integer.parseInt(m.group(1)), p);
            }
          });
    }
    return new ArrayList<>(byNumber.values());
  }

  /** The variant whose files {@code dir} holds, or null. */
  static Variant detect(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    if (!trainBatches(dir).isEmpty() || Files.isRegularFile(dir.resolve("test_batch.bin"))) {
      return Variant.CIFAR10;
    }
    if (Files.isRegularFile(dir.resolve("train.bin"))
        || Files.isRegularFile(dir.resolve("test.bin"))) {
      return Variant.CIFAR100;
    }
    return null;
  }

  private static ClassMap readNames(Path dir, Variant variant) throws IOException {
    List<String> candidates =
        variant == Variant.CIFAR10
            ? List.of("batches.meta.txt")
            : List.of("fine_label_names.txt", "batches.meta.txt");
    for (String c : candidates) {
      Path f = dir.resolve(c);
      if (Files.isRegularFile(f)) {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            names.add(line.strip());
          }
        }
        return new ClassMap(names);
      }
    }
    return variant == Variant.CIFAR10 ? ClassMap.CIFAR10 : ClassMap.numbered(variant.numClasses);
  }

  /** CIFAR-10 or CIFAR-100. */
  public Variant variant() {
    return variant;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public Image image(int i) {
    Objects.checkIndex(i, count);
    int base = i * variant.recordBytes() + variant.labelBytes;
    byte[] rgb = new byte[PIXELS * 3];
    // planes R, G, B -> interleaved H x W x 3
    for (int p = 0, q = 0; p < PIXELS; p++, q += 3) {
      rgb[q] = records[base + p];
      rgb[q + 1] = records[base + PIXELS + p];
      rgb[q + 2] = records[base + 2 * PIXELS + p];
    }
    return new Image(SIDE, SIDE, rgb);
  }

  @Override
  public int label(int i) {
    Objects.checkIndex(i, count);
    // CIFAR-100: coarse byte first, fine byte second; the fine label is the target.
    return records[i * variant.recordBytes() + variant.labelBytes - 1] & 0xff;
  }

  @Override
  public ClassMap classes() {
    return classes;
  }

  @Override
  public String source(int i) {
    return variant.name().toLowerCase(Locale.ROOT) + "#" + i;
  }
}
