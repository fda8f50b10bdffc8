package org.deit4j.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: strict parsing and validation (types, dtypes, sizes, and
 * the rule that tensors tile the data section exactly), and encoding for the writer.
 *
 * @param entries tensors in header order
 * @param metadata the {@code __metadata__} map (empty if absent)
 */
record SafetensorsHeader(List<SafetensorsHeader.Entry> entries, Map<String, String> metadata) {
  static final String METADATA_KEY = "__metadata__";
  private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** One tensor's declaration; offsets are relative to the data section. */
  record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  /** The JSON header, space-padded to a multiple of 8 bytes so the data section is aligned. */
  static byte[] encode(Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode m = root.putObject(METADATA_KEY);
      metadata.forEach(
          (k, v) -> {
            if (k == null || v == null) {
              throw new IllegalArgumentException("null metadata key or value");
            }
            m.put(k, v);
          });
    }
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      String name = e.getKey();
      HostTensor t = e.getValue();
      if (name == null || t == null) {
        throw new IllegalArgumentException("null tensor name or tensor");
      }
      if (name.equals(METADATA_KEY)) {
        throw new IllegalArgumentException("'" + METADATA_KEY + "' cannot name a tensor");
      }
      ObjectNode info = root.putObject(name);
      info.put("dtype", t.dtype().name());
      ArrayNode shape = info.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      long end = offset + t.data().remaining();
      info.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(root);
    int padded = (json.length + 7) & ~7;
    byte[] out = Arrays.copyOf(json, padded);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  /**
   * Parses and validates header bytes of a file whose data section has {@code dataLen} bytes.
   *
   * @throws SafetensorsException on any violation
   */
  static SafetensorsHeader parse(Path file, byte[] bytes, long dataLen)
      throws SafetensorsException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw fail(file, "header is not valid UTF-8", e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw fail(file, "header is not valid JSON: " + firstLine(e.getOriginalMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw fail(file, "header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals(METADATA_KEY)) {
        if (!v.isObject()) {
          throw fail(file, METADATA_KEY + " is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          if (!kv.getValue().isTextual()) {
            throw fail(file, METADATA_KEY + " value of " + q(kv.getKey()) + " is not a string");
          }
          metadata.put(kv.getKey(), kv.getValue().textValue());
        }
        continue;
      }
      entries.add(parseEntry(file, name, v));
    }
    checkTiling(file, entries, dataLen);
    return new SafetensorsHeader(entries, metadata);
  }

  private static Entry parseEntry(Path file, String name, JsonNode v) throws SafetensorsException {
    String what = "tensor " + q(name);
    if (!v.isObject()) {
      throw fail(file, what + " is not an object");
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TENSOR_FIELDS.contains(field)) {
        throw fail(file, what + " has an unknown field " + q(field));
      }
    }
    JsonNode dt = v.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw fail(file, what + ": dtype missing or not a string");
    }
    DType dtype = parseDType(dt.textValue());
    if (dtype == null) {
      throw fail(file, what + ": unknown dtype " + q(dt.textValue()));
    }
    long[] shape = longArray(file, what, "shape", v.get("shape"), -1);
    long[] offsets = longArray(file, what, "data_offsets", v.get("data_offsets"), 2);
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw fail(file, what + ": data_offsets begin " + begin + " > end " + end);
    }
    long nbytes;
    try {
      nbytes = Math.multiplyExact(HostTensor.numel(shape), (long) dtype.size());
    } catch (ArithmeticException e) {
      throw fail(file, what + ": byte size of shape " + Arrays.toString(shape) + " overflows");
    }
    if (nbytes != end - begin) {
      throw fail(
          file,
          what
              + ": shape "
              + Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + nbytes
              + " bytes but data_offsets span "
              + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  /** Non-negative integers; {@code expectedLength} -1 means any length. */
  private static long[] longArray(
      Path file, String what, String field, JsonNode node, int expectedLength)
      throws SafetensorsException {
    if (node == null || !node.isArray()) {
      throw fail(file, what + ": " + field + " missing or not an array");
    }
    if (expectedLength >= 0 && node.size() != expectedLength) {
      throw fail(
          file, what + ": " + field + " has " + node.size() + " entries, not " + expectedLength);
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode x = node.get(i);
      if (!x.isIntegralNumber() || !x.canConvertToLong()) {
        throw fail(file, what + ": " + field + "[" + i + "] = " + x + " is not a 64-bit integer");
      }
      out[i] = x.longValue();
      if (out[i] < 0) {
        throw fail(file, what + ": " + field + "[" + i + "] = " + out[i] + " is negative");
      }
    }
    return out;
  }

  /** Sorted by begin, the tensors must cover [0, dataLen) with no hole, overlap or tail. */
  private static void checkTiling(Path file, List<Entry> entries, long dataLen)
      throws SafetensorsException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : sorted) {
      if (e.end > dataLen) {
        throw fail(
            file,
            "tensor "
                + q(e.name)
                + " data_offsets end "
                + e.end
                + " is past the data section of "
                + dataLen
                + " bytes");
      }
      if (e.begin < expected) {
        throw fail(file, "tensor " + q(e.name) + " overlaps the previous tensor at " + e.begin);
      }
      if (e.begin > expected) {
        throw fail(
            file, "hole in the data section: bytes " + expected + ".." + e.begin + " are unused");
      }
      expected = e.end;
    }
    if (expected != dataLen) {
      throw fail(
          file,
          (dataLen - expected)
              + " trailing bytes after the last tensor (data ends at "
              + expected
              + ")");
    }
  }

  private static DType parseDType(String s) {
    for (DType d : DType.values()) {
      if (d.name().equals(s)) {
        return d;
      }
    }
    return null;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  static SafetensorsException fail(Path file, String problem) {
    return new SafetensorsException(file + ": " + problem);
  }

  static SafetensorsException fail(Path file, String problem, Throwable cause) {
    return new SafetensorsException(file + ": " + problem, cause);
  }

  /** A name for messages: quoted, and shortened so a hostile 100 MB key cannot flood a log. */
  static String q(String name) {
    return "'" + (name.length() > 120 ? name.substring(0, 120) + "..." : name) + "'";
  }
}
