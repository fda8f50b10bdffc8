package org.deit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Shared helpers for the .pth tests. */
final class PthAssert {
  private PthAssert() {}

  static Path pth(String name) {
    try {
      return Path.of(PthAssert.class.getResource("/io/pth/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource io/pth/" + name, e);
    }
  }

  /** Same dtype, shape and bits; two NaNs count as equal whatever their payloads. */
  static void assertSameTensor(HostTensor expected, HostTensor actual, String what) {
    assertEquals(expected.dtype(), actual.dtype(), what + " dtype");
    assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
    ByteBuffer e = expected.data();
    ByteBuffer a = actual.data();
    if (e.equals(a)) {
      return;
    }
    int es = expected.dtype().size();
    for (int i = 0; i < e.remaining() / es; i++) {
      boolean same = true;
      for (int b = 0; b < es; b++) {
        same &= e.get(i * es + b) == a.get(i * es + b);
      }
      if (!same && !(isNaN(expected.dtype(), e, i) && isNaN(actual.dtype(), a, i))) {
        fail(what + ": element " + i + " differs");
      }
    }
  }

  private static boolean isNaN(DType d, ByteBuffer b, int i) {
    return switch (d) {
      case F32 -> Float.isNaN(b.getFloat(4 * i));
      case F64 -> Double.isNaN(b.getDouble(8 * i));
      case F16 -> (b.getShort(2 * i) & 0x7c00) == 0x7c00 && (b.getShort(2 * i) & 0x3ff) != 0;
      case BF16 -> (b.getShort(2 * i) & 0x7f80) == 0x7f80 && (b.getShort(2 * i) & 0x7f) != 0;
      default -> false;
    };
  }
}
