package org.deit4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds raw safetensors bytes by hand, so tests can state exactly which rule a file breaks. */
final class StBytes {
  private StBytes() {}

  /** 8-byte little-endian length, the header bytes as given, then the data. */
  static byte[] of(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ofRaw(h.length, h, data);
  }

  /** Like {@link #of} but with an arbitrary (possibly lying) length field. */
  static byte[] ofRaw(long declaredLength, byte[] header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength);
    out.writeBytes(len.array());
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  static Path write(Path dir, String name, byte[] bytes) {
    try {
      Path p = dir.resolve(name);
      Files.write(p, bytes);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
