package org.deit4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of hand-built hostile safetensors files, one per format rule; every one must be rejected
 * with {@link SafetensorsException} (never another exception, never accepted).
 */
class SafetensorsHostileTest {
  @TempDir Path dir;

  record Case(String name, byte[] bytes, ReadOptions opts) {}

  static final byte[] F8 = new byte[8];

  static String t(String dtype, String shape, long begin, long end) {
    return "{\"dtype\":\""
        + dtype
        + "\",\"shape\":"
        + shape
        + ",\"data_offsets\":["
        + begin
        + ","
        + end
        + "]}";
  }

  static Case c(String name, String header, byte[] data) {
    return new Case(name, StBytes.of(header, data), ReadOptions.defaults());
  }

  static List<Case> corpus() {
    ReadOptions finite = ReadOptions.defaults().withRequireFinite(true);
    List<Case> cs = new ArrayList<>();
    // ---- framing
    cs.add(new Case("empty file", new byte[0], ReadOptions.defaults()));
    cs.add(new Case("7 bytes", new byte[7], ReadOptions.defaults()));
    cs.add(new Case("length beyond file", StBytes.ofRaw(100, "{}".getBytes(), F8), null));
    cs.add(new Case("length 2^63+", StBytes.ofRaw(Long.MIN_VALUE, "{}".getBytes(), F8), null));
    cs.add(new Case("length 2^64-1", StBytes.ofRaw(-1L, "{}".getBytes(), F8), null));
    cs.add(
        new Case(
            "header over maxHeaderBytes",
            StBytes.of("{\"__metadata__\":{\"k\":\"" + "x".repeat(64) + "\"}}", new byte[0]),
            ReadOptions.defaults().withMaxHeaderBytes(32)));
    cs.add(c("zero-length header", "", new byte[0]));
    // ---- JSON
    cs.add(c("not json", "hello world", new byte[0]));
    cs.add(c("json array", "[1,2,3]", new byte[0]));
    cs.add(c("json string", "\"x\"", new byte[0]));
    cs.add(c("json null", "null", new byte[0]));
    cs.add(c("truncated json", "{\"x\":{\"dtype\":\"F32\"", new byte[0]));
    cs.add(c("trailing token after object", "{} {}", new byte[0]));
    cs.add(c("trailing garbage after object", "{}x", new byte[0]));
    cs.add(
        new Case(
            "invalid utf-8",
            StBytes.ofRaw(4, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, new byte[0]),
            ReadOptions.defaults()));
    cs.add(c("NaN literal", "{\"x\":NaN}", new byte[0]));
    cs.add(c("deep nesting", "[".repeat(5000) + "]".repeat(5000), new byte[0]));
    cs.add(
        c(
            "duplicate tensor key",
            "{\"a\":" + t("F32", "[1]", 0, 4) + ",\"a\":" + t("F32", "[1]", 4, 8) + "}",
            F8));
    cs.add(
        c(
            "duplicate field in tensor",
            "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            new byte[4]));
    cs.add(
        c("duplicate metadata key", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0]));
    // ---- metadata
    cs.add(c("metadata not object", "{\"__metadata__\":[\"a\"]}", new byte[0]));
    cs.add(c("metadata value number", "{\"__metadata__\":{\"k\":1}}", new byte[0]));
    cs.add(c("metadata value null", "{\"__metadata__\":{\"k\":null}}", new byte[0]));
    cs.add(c("metadata value object", "{\"__metadata__\":{\"k\":{}}}", new byte[0]));
    // ---- tensor entry types
    cs.add(c("tensor entry is a string", "{\"a\":\"F32\"}", new byte[0]));
    cs.add(c("tensor entry is null", "{\"a\":null}", new byte[0]));
    cs.add(c("missing dtype", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]));
    cs.add(c("missing shape", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]));
    cs.add(c("missing offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]));
    cs.add(
        c(
            "unknown field",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}",
            new byte[4]));
    cs.add(c("dtype is number", "{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", F8));
    cs.add(c("unknown dtype", "{\"a\":" + t("F8_E4M3", "[1]", 0, 1) + "}", new byte[1]));
    cs.add(c("lowercase dtype", "{\"a\":" + t("f32", "[1]", 0, 4) + "}", new byte[4]));
    cs.add(c("shape not array", "{\"a\":" + t("F32", "4", 0, 4) + "}", new byte[4]));
    cs.add(c("shape null", "{\"a\":" + t("F32", "null", 0, 4) + "}", new byte[4]));
    cs.add(c("shape has string", "{\"a\":" + t("F32", "[\"1\"]", 0, 4) + "}", new byte[4]));
    cs.add(c("shape has fraction", "{\"a\":" + t("F32", "[1.5]", 0, 4) + "}", new byte[4]));
    cs.add(c("shape has 1.0", "{\"a\":" + t("F32", "[1.0]", 0, 4) + "}", new byte[4]));
    cs.add(c("shape has 1e30", "{\"a\":" + t("F32", "[1e30]", 0, 4) + "}", new byte[4]));
    cs.add(
        c(
            "shape has bigint",
            "{\"a\":" + t("F32", "[99999999999999999999999]", 0, 4) + "}",
            new byte[4]));
    cs.add(c("shape nested", "{\"a\":" + t("F32", "[[1]]", 0, 4) + "}", new byte[4]));
    cs.add(c("negative dim", "{\"a\":" + t("F32", "[-1]", 0, 4) + "}", new byte[4]));
    cs.add(c("negative dims cancel", "{\"a\":" + t("F32", "[-1,-1]", 0, 4) + "}", new byte[4]));
    cs.add(
        c(
            "offsets one entry",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}",
            new byte[4]));
    cs.add(
        c(
            "offsets three entries",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}",
            new byte[4]));
    cs.add(
        c(
            "offsets not array",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"b\":0}}}",
            new byte[4]));
    cs.add(c("negative begin", "{\"a\":" + t("F32", "[1]", -4, 0) + "}", new byte[4]));
    cs.add(c("begin after end", "{\"a\":" + t("F32", "[0]", 4, 0) + "}", new byte[4]));
    // ---- sizes
    cs.add(
        c(
            "size overflow",
            "{\"a\":" + t("F64", "[4294967296,4294967296]", 0, 0) + "}",
            new byte[0]));
    cs.add(
        c(
            "size overflow with zero later",
            "{\"a\":" + t("F32", "[9223372036854775807,2,0]", 0, 0) + "}",
            new byte[0]));
    cs.add(c("size too small for shape", "{\"a\":" + t("F32", "[2]", 0, 4) + "}", new byte[4]));
    cs.add(c("size too large for shape", "{\"a\":" + t("F32", "[1]", 0, 8) + "}", F8));
    cs.add(
        c(
            "1e12 elements in tiny file",
            "{\"a\":" + t("F32", "[1000000000000]", 0, 4000000000000L) + "}",
            F8));
    // ---- layout
    cs.add(c("offsets past end", "{\"a\":" + t("F32", "[2]", 0, 8) + "}", new byte[4]));
    cs.add(
        c(
            "overlap",
            "{\"a\":" + t("F32", "[2]", 0, 8) + ",\"b\":" + t("F32", "[2]", 4, 12) + "}",
            new byte[12]));
    cs.add(
        c(
            "same region twice",
            "{\"a\":" + t("F32", "[2]", 0, 8) + ",\"b\":" + t("F32", "[2]", 0, 8) + "}",
            F8));
    cs.add(
        c(
            "hole between",
            "{\"a\":" + t("F32", "[1]", 0, 4) + ",\"b\":" + t("F32", "[1]", 8, 12) + "}",
            new byte[12]));
    cs.add(c("hole at start", "{\"a\":" + t("F32", "[1]", 4, 8) + "}", F8));
    cs.add(c("trailing bytes", "{\"a\":" + t("F32", "[1]", 0, 4) + "}", F8));
    cs.add(c("data but no tensors", "{}", F8));
    cs.add(
        c(
            "empty tensor beyond end",
            "{\"a\":" + t("F32", "[1]", 0, 4) + ",\"e\":" + t("F32", "[0]", 9, 9) + "}",
            new byte[4]));
    // ---- finiteness
    cs.add(
        new Case(
            "F32 NaN",
            StBytes.of("{\"a\":" + t("F32", "[2]", 0, 8) + "}", StBytes.floats(1f, Float.NaN)),
            finite));
    cs.add(
        new Case(
            "F32 -Inf",
            StBytes.of(
                "{\"a\":" + t("F32", "[1]", 0, 4) + "}", StBytes.floats(Float.NEGATIVE_INFINITY)),
            finite));
    cs.add(
        new Case(
            "F16 +Inf",
            StBytes.of("{\"a\":" + t("F16", "[1]", 0, 2) + "}", new byte[] {0x00, 0x7c}),
            finite));
    cs.add(
        new Case(
            "BF16 NaN 0xFFFF",
            StBytes.of("{\"a\":" + t("BF16", "[1]", 0, 2) + "}", new byte[] {-1, -1}),
            finite));
    cs.add(
        new Case(
            "F64 NaN",
            StBytes.of(
                "{\"a\":" + t("F64", "[1]", 0, 8) + "}",
                new byte[] {1, 0, 0, 0, 0, 0, (byte) 0xf8, 0x7f}),
            finite));
    return cs;
  }

  /** The problem each case must be reported as (a fragment of the message). */
  static final Map<String, String> EXPECTED = expected();

  private static Map<String, String> expected() {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("empty file", "file has 0 bytes, shorter than the 8-b");
    e.put("7 bytes", "file has 7 bytes, shorter than the 8-b");
    e.put("length beyond file", "header length 100 exceeds the file siz");
    e.put("length 2^63+", "header length 9223372036854775808 exce");
    e.put("length 2^64-1", "header length 18446744073709551615 exc");
    e.put("header over maxHeaderBytes", "header length 89 exceeds the limit 32");
    e.put("zero-length header", "header is not a JSON object");
    e.put("not json", "header is not valid JSON");
    e.put("json array", "header is not a JSON object");
    e.put("json string", "header is not a JSON object");
    e.put("json null", "header is not a JSON object");
    e.put("truncated json", "header is not valid JSON");
    e.put("trailing token after object", "header is not valid JSON");
    e.put("trailing garbage after object", "header is not valid JSON");
    e.put("invalid utf-8", "header is not valid UTF-8");
    e.put("NaN literal", "header is not valid JSON");
    e.put("deep nesting", "header is not valid JSON");
    e.put("duplicate tensor key", "Duplicate field");
    e.put("duplicate field in tensor", "Duplicate field");
    e.put("duplicate metadata key", "Duplicate field");
    e.put("metadata not object", "__metadata__ is not an object");
    e.put("metadata value number", "__metadata__ value of 'k' is not a str");
    e.put("metadata value null", "__metadata__ value of 'k' is not a str");
    e.put("metadata value object", "__metadata__ value of 'k' is not a str");
    e.put("tensor entry is a string", "tensor 'a' is not an object");
    e.put("tensor entry is null", "tensor 'a' is not an object");
    e.put("missing dtype", "tensor 'a': dtype missing or not a str");
    e.put("missing shape", "tensor 'a': shape missing or not an ar");
    e.put("missing offsets", "tensor 'a': data_offsets missing or no");
    e.put("unknown field", "tensor 'a' has an unknown field 'x'");
    e.put("dtype is number", "tensor 'a': dtype missing or not a str");
    e.put("unknown dtype", "tensor 'a': unknown dtype 'F8_E4M3'");
    e.put("lowercase dtype", "tensor 'a': unknown dtype 'f32'");
    e.put("shape not array", "tensor 'a': shape missing or not an ar");
    e.put("shape null", "tensor 'a': shape missing or not an ar");
    e.put("shape has string", "tensor 'a': shape[0] = \"1\" is not a 64");
    e.put("shape has fraction", "tensor 'a': shape[0] = 1.5 is not a 64");
    e.put("shape has 1.0", "tensor 'a': shape[0] = 1.0 is not a 64");
    e.put("shape has 1e30", "tensor 'a': shape[0] = 1.0E30 is not a");
    e.put("shape has bigint", "tensor 'a': shape[0] = 999999999999999");
    e.put("shape nested", "tensor 'a': shape[0] = [1] is not a 64");
    e.put("negative dim", "tensor 'a': shape[0] = -1 is negative");
    e.put("negative dims cancel", "tensor 'a': shape[0] = -1 is negative");
    e.put("offsets one entry", "tensor 'a': data_offsets has 1 entries");
    e.put("offsets three entries", "tensor 'a': data_offsets has 3 entries");
    e.put("offsets not array", "tensor 'a': data_offsets missing or no");
    e.put("negative begin", "tensor 'a': data_offsets[0] = -4 is ne");
    e.put("begin after end", "tensor 'a': data_offsets begin 4 > end");
    e.put("size overflow", "tensor 'a': byte size of shape [429496");
    e.put("size overflow with zero later", "tensor 'a': byte size of shape [922337");
    e.put("size too small for shape", "tensor 'a': shape [2] of F32 needs 8 b");
    e.put("size too large for shape", "tensor 'a': shape [1] of F32 needs 4 b");
    e.put("1e12 elements in tiny file", "tensor 'a' data_offsets end 4000000000");
    e.put("offsets past end", "tensor 'a' data_offsets end 8 is past ");
    e.put("overlap", "tensor 'b' overlaps the previous tenso");
    e.put("same region twice", "tensor 'b' overlaps the previous tenso");
    e.put("hole between", "hole in the data section: bytes 4..8 a");
    e.put("hole at start", "hole in the data section: bytes 0..4 a");
    e.put("trailing bytes", "4 trailing bytes after the last tensor");
    e.put("data but no tensors", "8 trailing bytes after the last tensor");
    e.put("empty tensor beyond end", "tensor 'e' data_offsets end 9 is past ");
    e.put("F32 NaN", "tensor 'a' has a non-finite value at e");
    e.put("F32 -Inf", "tensor 'a' has a non-finite value at e");
    e.put("F16 +Inf", "tensor 'a' has a non-finite value at e");
    e.put("BF16 NaN 0xFFFF", "tensor 'a' has a non-finite value at e");
    e.put("F64 NaN", "tensor 'a' has a non-finite value at e");
    return e;
  }

  @TestFactory
  Stream<DynamicTest> everyHostileFileIsRejected() {
    return corpus().stream()
        .map(
            k ->
                DynamicTest.dynamicTest(
                    k.name(),
                    () -> {
                      Path p = StBytes.write(dir, "hostile.safetensors", k.bytes());
                      ReadOptions o = k.opts() == null ? ReadOptions.defaults() : k.opts();
                      try {
                        Safetensors.read(p, o);
                        fail("accepted: " + k.name());
                      } catch (SafetensorsException e) {
                        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
                        String want = EXPECTED.get(k.name());
                        assertTrue(
                            e.getMessage().contains(want),
                            k.name() + ": expected '" + want + "' in: " + e.getMessage());
                      } catch (Throwable e) {
                        fail(k.name() + ": wrong exception " + e, e);
                      }
                    }));
  }

  @Test
  void corpusIsLargeAndNamesAreUnique() {
    Map<String, Case> byName = new LinkedHashMap<>();
    corpus().forEach(k -> byName.put(k.name(), k));
    assertEquals(corpus().size(), byName.size());
    assertEquals(EXPECTED.keySet(), byName.keySet());
    assertTrue(byName.size() >= 60, "cases: " + byName.size());
  }

  /** Sanity check of the corpus builder: the same construction with valid content is accepted. */
  @Test
  void validControlsAreAccepted() throws Exception {
    String[] ok = {
      "{}",
      "{}      ",
      "{\"__metadata__\":{\"k\":\"v\"},\"a\":" + t("F32", "[2]", 0, 8) + "}",
      "{\"b\":" + t("F32", "[1]", 4, 8) + ",\"a\":" + t("F32", "[1]", 0, 4) + "}",
      "{\"e\":" + t("F32", "[0,3]", 8, 8) + ",\"a\":" + t("F32", "[2]", 0, 8) + "}",
    };
    byte[][] data = {new byte[0], new byte[0], F8, F8, F8};
    for (int i = 0; i < ok.length; i++) {
      Path p = StBytes.write(dir, "ok" + i + ".safetensors", StBytes.of(ok[i], data[i]));
      Safetensors.read(p, ReadOptions.defaults().withRequireFinite(true));
    }
    Path p = StBytes.write(dir, "order.safetensors", StBytes.of(ok[3], F8));
    assertEquals(List.of("b", "a"), List.copyOf(Safetensors.read(p).tensors().keySet()));
  }
}
