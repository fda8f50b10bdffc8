package org.deit4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A dataset named on the command line.
 *
 * <pre>
 * spec    = [kind ":"] path [":" split] ["?" option *("&amp;" option)]
 * kind    = "idx" | "folder" | "cifar10" | "cifar100" | "auto"      (case-insensitive)
 * split   = "train" | "test" | "t10k" | "val" | ...   (the last ":"-part, if it has no "/")
 * option  = "perClass=" N            first N images of each class ({@link Dataset#perClass})
 *         | "names=" ("fashion" | "digits")   IDX class names (default: by folder name)
 *         | "allowEmpty=" ("true" | "false")  ImageFolder: accept empty class folders
 * </pre>
 *
 * Examples: {@code idx:/usr/share/datasets/fashion-mnist:train}, {@code
 * idx:/data/fmnist:test?names=fashion}, {@code folder:/data/imagenet:val} (root {@code
 * /data/imagenet/val}), {@code cifar10:/data/cifar-10-batches-bin:train?perClass=100}, or a plain
 * path {@code /data/fmnist:train}.
 *
 * <p>Without a kind (or with {@code auto}) the folder decides: files named {@code
 * *-idx3-ubyte[.gz]} make it IDX; {@code data_batch_N.bin} / {@code test_batch.bin} make it
 * CIFAR-10; {@code train.bin} / {@code test.bin} make it CIFAR-100; sub-folders make it an
 * ImageFolder (of {@code path/split} when a split is given and that folder exists, else of {@code
 * path}). The split defaults to "train" for IDX and CIFAR.
 *
 * @param kind the format, or {@link Kind#AUTO}
 * @param path folder holding the data
 * @param split split name, or null
 * @param options parsed options (keys as written above)
 */
public record DatasetSpec(Kind kind, Path path, String split, Map<String, String> options) {
  /** Dataset formats. */
  public enum Kind {
    IDX,
    FOLDER,
    CIFAR10,
    CIFAR100,
    AUTO
  }

  private static final java.util.Set<String> OPTIONS =
      java.util.Set.of("perClass", "names", "allowEmpty");

  public DatasetSpec {
    if (kind == null || path == null) {
      throw new IllegalArgumentException("dataset spec needs a kind and a path");
    }
    options = Map.copyOf(options);
    for (String k : options.keySet()) {
      if (!OPTIONS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown dataset option '" + k + "' (known: perClass, names, allowEmpty)");
      }
    }
    // Validate values now so a bad spec fails at parse time, not after a long scan.
    if (options.containsKey("perClass")) {
      positiveInt("perClass", options.get("perClass"));
    }
    namesOption(options.get("names"));
    allowEmptyOption(options.get("allowEmpty"));
  }

  /**
   * Parses a spec string (grammar in the class comment).
   *
   * @throws IllegalArgumentException if it is malformed
   */
  public static DatasetSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty dataset spec");
    }
    String s = spec.strip();
    Map<String, String> options = new LinkedHashMap<>();
    int q = s.indexOf('?');
    if (q >= 0) {
      for (String kv : s.substring(q + 1).split("&")) {
        if (kv.isEmpty()) {
          continue;
        }
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "dataset option '" + kv + "' in '" + spec + "' is not key=value");
        }
        options.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      s = s.substring(0, q);
    }
    Kind kind = Kind.AUTO;
    int colon = s.indexOf(':');
    if (colon > 0) {
      String head = s.substring(0, colon).toUpperCase(Locale.ROOT);
      for (Kind k : Kind.values()) {
        if (k.name().equals(head)) {
          kind = k;
          s = s.substring(colon + 1);
          break;
        }
      }
    }
    String split = null;
    int last = s.lastIndexOf(':');
    if (last >= 0 && s.indexOf('/', last) < 0) {
      split = s.substring(last + 1);
      s = s.substring(0, last);
      if (split.isEmpty()) {
        throw new IllegalArgumentException("empty split in dataset spec '" + spec + "'");
      }
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("no path in dataset spec '" + spec + "'");
    }
    return new DatasetSpec(kind, Path.of(s), split, options);
  }

  /** The kind this spec resolves to: {@link #kind()} or, for AUTO, what the folder holds. */
  public Kind resolveKind() throws IOException {
    if (kind != Kind.AUTO) {
      return kind;
    }
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString());
    }
    if (IdxDataset.isIdxFolder(path)) {
      return Kind.IDX;
    }
    CifarDataset.Variant v = CifarDataset.detect(path);
    if (v != null) {
      return v == CifarDataset.Variant.CIFAR10 ? Kind.CIFAR10 : Kind.CIFAR100;
    }
    if (ImageFolder.hasSubfolders(path)) {
      return Kind.FOLDER;
    }
    throw new IOException(
        path
            + ": cannot tell the dataset format (no *-idx3-ubyte files, no CIFAR .bin files, no"
            + " class folders); give a kind, e.g. folder:"
            + path);
  }

  /** Opens the dataset (scans folders, reads IDX/CIFAR files into memory). */
  public Dataset open() throws IOException {
    Kind k = resolveKind();
    String sp = split == null ? "train" : split;
    Dataset ds =
        switch (k) {
          case IDX -> IdxDataset.open(path, sp, names());
          case CIFAR10 -> CifarDataset.open(path, CifarDataset.Variant.CIFAR10, sp);
          case CIFAR100 -> CifarDataset.open(path, CifarDataset.Variant.CIFAR100, sp);
          case FOLDER -> ImageFolder.open(folderRoot(), allowEmpty());
          case AUTO -> throw new AssertionError();
        };
    String pc = options.get("perClass");
    if (pc != null) {
      ds = ds.perClass(positiveInt("perClass", pc));
    }
    return ds;
  }

  private Path folderRoot() {
    if (split == null) {
      return path;
    }
    Path sub = path.resolve(split);
    // An explicit folder: kind always means path/split; auto-detected, fall back to path itself.
    return kind == Kind.FOLDER || Files.isDirectory(sub) ? sub : path;
  }

  private ClassMap names() {
    return namesOption(options.get("names"));
  }

  private static ClassMap namesOption(String n) {
    if (n == null) {
      return null;
    }
    return switch (n.toLowerCase(Locale.ROOT)) {
      case "fashion", "fashion-mnist" -> ClassMap.FASHION_MNIST;
      case "digits", "mnist" -> ClassMap.DIGITS;
      default ->
          throw new IllegalArgumentException("names must be fashion or digits, got '" + n + "'");
    };
  }

  private boolean allowEmpty() {
    return allowEmptyOption(options.get("allowEmpty"));
  }

  private static boolean allowEmptyOption(String v) {
    if (v == null) {
      return false;
    }
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException("allowEmpty must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private static int positiveInt(String key, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
  }
}
