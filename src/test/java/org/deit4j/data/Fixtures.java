package org.deit4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the semantics fixtures copied under {@code src/test/resources/data/}. */
final class Fixtures {
  private Fixtures() {}

  static JsonNode json(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/data/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /data/" + name);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** Flattens nested arrays of numbers to float32 (exact doubles of float32 in the fixtures). */
  static float[] floats(JsonNode nested) {
    java.util.List<Float> acc = new java.util.ArrayList<>();
    flatten(nested, acc);
    float[] out = new float[acc.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = acc.get(i);
    }
    return out;
  }

  private static void flatten(JsonNode n, java.util.List<Float> acc) {
    if (n.isArray()) {
      for (JsonNode c : n) {
        flatten(c, acc);
      }
    } else {
      acc.add((float) n.asDouble());
    }
  }
}
