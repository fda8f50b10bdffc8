package org.deit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  static Path resource(String name) {
    try {
      return Path.of(SafetensorsTest.class.getResource("/io/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A tensor of the given dtype whose bytes are 0, 1, 2, ... (every bit pattern is legal). */
  static HostTensor counting(DType dtype, long... shape) {
    int n = Math.toIntExact(HostTensor.numel(shape) * dtype.size());
    ByteBuffer b = ByteBuffer.allocate(n);
    for (int i = 0; i < n; i++) {
      b.put(i, (byte) (i * 7 + 3));
    }
    return new HostTensor(dtype, shape, b);
  }

  @Test
  void roundTripAllDTypesScalarsAndEmpty() throws Exception {
    Map<String, HostTensor> in = new LinkedHashMap<>();
    for (DType d : DType.values()) {
      in.put("t_" + d, counting(d, 2, 3));
    }
    in.put("scalar", counting(DType.F32));
    in.put("empty", counting(DType.F16, 0, 5));
    in.put("z_last_but_declared_first", counting(DType.I64, 1));
    in.put("a", counting(DType.BF16, 4, 1, 1));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("note", "üñí \"quoted\"");
    Path p = dir.resolve("rt.safetensors");
    Safetensors.write(p, in, meta);

    SafetensorsFile f = Safetensors.read(p);
    assertEquals(List.copyOf(in.keySet()), List.copyOf(f.tensors().keySet()), "key order");
    for (Map.Entry<String, HostTensor> e : in.entrySet()) {
      assertEquals(e.getValue(), f.get(e.getKey()), e.getKey());
    }
    assertArrayEquals(new long[0], f.get("scalar").shape());
    assertEquals(0, f.get("empty").numel());
    assertEquals(meta, f.metadata());

    byte[] raw = Files.readAllBytes(p);
    long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, n % 8, "header padded to a multiple of 8");
    // no temporary file left behind by the atomic write
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void overwriteReplacesAtomicallyAndNoMetadataIsEmpty() throws Exception {
    Path p = dir.resolve("w.safetensors");
    Safetensors.write(p, Map.of("x", counting(DType.F32, 3)), Map.of("v", "1"));
    Safetensors.write(p, Map.of("y", counting(DType.U8, 2)), null);
    SafetensorsFile f = Safetensors.read(p);
    assertEquals(List.of("y"), List.copyOf(f.tensors().keySet()));
    assertTrue(f.metadata().isEmpty());
  }

  @Test
  void writerRejectsMetadataKeyAsTensorName() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Safetensors.write(
                dir.resolve("bad.safetensors"),
                Map.of(Safetensors.METADATA_KEY, counting(DType.F32, 1)),
                null));
  }

  @Test
  void readsTimmInputFixture() throws Exception {
    SafetensorsFile f = Safetensors.read(resource("input.safetensors"));
    HostTensor x = f.get("input");
    assertEquals(DType.F32, x.dtype());
    assertArrayEquals(new long[] {2, 3, 224, 224}, x.shape());
    float[] v = x.toFloats();
    // values from the fixture bytes (decoded independently with Python's struct module)
    assertEquals(-0.1117185652256012f, v[0]);
    assertEquals(-0.49659010767936707f, v[1]);
    assertEquals(0.16307370364665985f, v[2]);
    assertEquals(-2.2166364192962646f, v[v.length - 1]);
    double sum = 0;
    for (float a : v) {
      sum += a;
    }
    assertEquals(1128.8093182636899, sum, 1e-6);
    assertEquals("1.13.0a0", f.metadata().get("torch"));
  }

  @Test
  void missingKeyListsAvailableKeys() throws Exception {
    SafetensorsFile f = Safetensors.read(resource("input.safetensors"));
    SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.get("nope"));
    assertTrue(e.getMessage().contains("input"), e.getMessage());
  }

  @Test
  void requireFiniteAcceptsFiniteFile() throws Exception {
    Safetensors.read(resource("input.safetensors"), ReadOptions.defaults().withRequireFinite(true));
  }

  @Test
  void largeDataSectionIsMemoryMapped() throws Exception {
    int n = (int) (Safetensors.HEAP_READ_LIMIT / 4) + 16;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    Path p = dir.resolve("big.safetensors");
    Safetensors.write(
        p,
        Map.of("head", HostTensor.ofFloats(new float[] {7f}, 1), "big", HostTensor.ofFloats(v, n)),
        null);
    SafetensorsFile f = Safetensors.read(p);
    ByteBuffer b = f.get("big").data();
    assertEquals(n - 1f, b.getFloat(4 * (n - 1)));
    assertEquals(7f, f.get("head").data().getFloat(0));
  }

  /**
   * A header claiming a 10^12-element tensor (4 TB) in a tiny file is rejected from the header
   * alone: this thread allocates far less than the claim (measured with the JVM's per-thread
   * allocation counter).
   */
  @Test
  void hugeClaimsAreRejectedWithoutAllocating() throws Exception {
    List<Path> files = new ArrayList<>();
    files.add(
        StBytes.write(
            dir,
            "claim.safetensors",
            StBytes.of(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],"
                    + "\"data_offsets\":[0,4000000000000]}}",
                new byte[16])));
    files.add(
        StBytes.write(
            dir, "len.safetensors", StBytes.ofRaw(1L << 40, "{}".getBytes(), new byte[0])));
    files.add(
        StBytes.write(dir, "neglen.safetensors", StBytes.ofRaw(-8L, "{}".getBytes(), new byte[0])));
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (Path p : files) {
      long before = mx.getThreadAllocatedBytes(tid);
      assertThrows(SafetensorsException.class, () -> Safetensors.read(p));
      long used = mx.getThreadAllocatedBytes(tid) - before;
      assertTrue(used < 8L << 20, p.getFileName() + " allocated " + used + " bytes");
    }
  }
}
