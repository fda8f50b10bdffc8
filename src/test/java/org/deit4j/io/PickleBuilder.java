package org.deit4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes pickles opcode by opcode, and torch-style zips around them, for hand-made test files. */
final class PickleBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  PickleBuilder op(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  PickleBuilder raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  PickleBuilder proto(int v) {
    return op(0x80, v);
  }

  PickleBuilder global(String module, String name) {
    op('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  PickleBuilder str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    op('X');
    out.writeBytes(le(b.length, 4));
    out.writeBytes(b);
    return this;
  }

  PickleBuilder shortStr(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    op(0x8c, b.length);
    out.writeBytes(b);
    return this;
  }

  PickleBuilder int1(int v) {
    return op('K', v);
  }

  PickleBuilder binint(int v) {
    op('J');
    out.writeBytes(le(v, 4));
    return this;
  }

  PickleBuilder long1(long v, int n) {
    op(0x8a, n);
    out.writeBytes(le(v, n));
    return this;
  }

  PickleBuilder binfloat(double v) {
    op('G');
    out.writeBytes(ByteBuffer.allocate(8).putDouble(v).array()); // big-endian
    return this;
  }

  /** {@code _rebuild_tensor_v2(('storage', torch.<cls>, key, 'cpu', numel), off, size, stride)}. */
  PickleBuilder tensor(String cls, String key, int numel, int offset, int[] size, int[] stride) {
    global("torch._utils", "_rebuild_tensor_v2").op('(');
    op('(').str("storage").global("torch", cls).str(key).str("cpu").binint(numel).op('t', 'Q');
    binint(offset);
    op('(');
    for (int s : size) {
      binint(s);
    }
    op('t', '(');
    for (int s : stride) {
      binint(s);
    }
    op('t', 0x89);
    global("collections", "OrderedDict").op(')', 'R');
    return op('t', 'R');
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  static byte[] le(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  /** A stored (uncompressed) torch-style zip: top/data.pkl, top/data/<key>, top/version. */
  static Path writePth(Path file, byte[] pickle, Map<String, byte[]> records) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("archive/data.pkl", pickle);
    records.forEach((k, v) -> entries.put("archive/data/" + k, v));
    entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    try (OutputStream os = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey());
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        ze.setCrc(crc.getValue());
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return file;
  }
}
