package org.deit4j.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Tensors;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;

/** Reads the reference JSON fixtures under {@code src/test/resources/semantics/}. */
public final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** Parses {@code /semantics/<name>} from the test classpath. */
  public static JsonNode semantics(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/semantics/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /semantics/" + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shape of a nested JSON array. */
  public static long[] shape(JsonNode n) {
    List<Long> dims = new ArrayList<>();
    while (n.isArray()) {
      dims.add((long) n.size());
      n = n.get(0);
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** All numbers of a nested array, row-major, as doubles. */
  public static double[] doubles(JsonNode n) {
    List<Double> out = new ArrayList<>();
    flatten(n, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** All numbers as float32 (each JSON value is the exact double of a float32). */
  public static float[] floats(JsonNode n) {
    double[] d = doubles(n);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /** A float32 tensor with the array's shape. */
  public static Tensor tensor(JsonNode n) {
    return Tensors.floats(floats(n), shape(n));
  }

  /** An int64 tensor with the array's shape. */
  public static Tensor longs(JsonNode n) {
    double[] d = doubles(n);
    ByteBuffer b = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : d) {
      b.putLong((long) v);
    }
    b.flip();
    return Tensors.toTorch(new HostTensor(DType.I64, shape(n), b));
  }

  /** An int64 tensor from values. */
  public static Tensor longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    b.flip();
    return Tensors.toTorch(new HostTensor(DType.I64, new long[] {values.length}, b));
  }

  /** Relative difference |a - b| / |b| (absolute when b == 0). */
  public static double rel(double a, double b) {
    return b == 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
  }

  private static void flatten(JsonNode n, List<Double> out) {
    if (n.isArray()) {
      for (JsonNode c : n) {
        flatten(c, out);
      }
    } else {
      out.add(n.doubleValue());
    }
  }
}
