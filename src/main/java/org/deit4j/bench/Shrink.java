package org.deit4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test-only reduction of the benchmark (hidden option {@code --x-shrink}): fewer epochs, fewer
 * images, smaller batches, tiny models. A shrunk run is not the benchmark; its result and the
 * report say so.
 *
 * @param epochs epochs instead of the grid's (null: unchanged)
 * @param perClass training images per class instead of 1,000 (null: unchanged)
 * @param testPerClass test images per class (null: the whole test set)
 * @param batchSize batch size instead of 256 (null: unchanged)
 * @param tiny students with depth 1 and width 32, teacher {@value #TINY_TEACHER}
 */
public record Shrink(
    Integer epochs, Integer perClass, Integer testPerClass, Integer batchSize, boolean tiny) {

  /** The tiny teacher. */
  public static final String TINY_TEACHER = "regnety_002";

  /** The tiny students' overrides. */
  public static final Map<String, String> TINY_STUDENT_ARGS =
      Map.of("depth", "1", "embed_dim", "32");

  public Shrink {
    for (Integer v : new Integer[] {epochs, perClass, testPerClass, batchSize}) {
      if (v != null && v < 1) {
        throw new IllegalArgumentException("--x-shrink values must be positive");
      }
    }
  }

  /** Parses {@code epochs=1,perClass=2,testPerClass=10,batch=8,tiny=true} (every key optional). */
  public static Shrink parse(String spec) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--x-shrink: '" + part + "' is not key=value");
      }
      kv.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    Shrink s =
        new Shrink(
            integer(kv.remove("epochs")),
            integer(kv.remove("perClass")),
            integer(kv.remove("testPerClass")),
            integer(kv.remove("batch")),
            Boolean.parseBoolean(kv.getOrDefault("tiny", "false")));
    kv.remove("tiny");
    if (!kv.isEmpty()) {
      throw new IllegalArgumentException(
          "--x-shrink: unknown keys "
              + kv.keySet()
              + " (epochs, perClass, testPerClass, batch, tiny)");
    }
    return s;
  }

  int epochsOr(int dflt) {
    return epochs == null ? dflt : epochs;
  }

  int perClassOr(int dflt) {
    return perClass == null ? dflt : perClass;
  }

  int batchSizeOr(int dflt) {
    return batchSize == null ? dflt : batchSize;
  }

  private static Integer integer(String s) {
    try {
      return s == null ? null : Integer.valueOf(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--x-shrink: not a whole number: " + s, e);
    }
  }
}
