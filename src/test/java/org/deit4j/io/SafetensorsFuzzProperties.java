package org.deit4j.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random mutations and truncations of a valid safetensors file either read cleanly or fail with
 * {@link SafetensorsException}: never another exception, never an OutOfMemoryError.
 */
class SafetensorsFuzzProperties {
  static final byte[] VALID = validFile();

  private static byte[] validFile() {
    try {
      Path tmp = Files.createTempFile("deit4j-fuzz-base", ".safetensors");
      try {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("w", SafetensorsTest.counting(DType.F32, 2, 3));
        m.put("h", SafetensorsTest.counting(DType.F16, 3));
        m.put("b", SafetensorsTest.counting(DType.BF16, 2, 1));
        m.put("n", SafetensorsTest.counting(DType.I64));
        m.put("e", SafetensorsTest.counting(DType.U8, 0));
        Safetensors.write(tmp, m, Map.of("format", "pt"));
        return Files.readAllBytes(tmp);
      } finally {
        Files.delete(tmp);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One edit: kind 0 set byte, 1 flip bit, 2 insert byte, 3 delete byte, 4 digit swap. */
  record Edit(int kind, int pos, int value) {}

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Edit> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 4),
                // bias towards the 8-byte length and the JSON header, where parsing happens
                Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 7)),
                    net.jqwik.api.Tuple.of(10, Arbitraries.integers().between(8, headerEnd() - 1)),
                    net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, VALID.length - 1))),
                Arbitraries.integers().between(0, 255))
            .as(Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(4);
  }

  static int headerEnd() {
    return 8
        + (int) java.nio.ByteBuffer.wrap(VALID).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  static byte[] apply(byte[] base, List<Edit> edits) {
    byte[] b = base.clone();
    for (Edit e : edits) {
      int pos = Math.min(e.pos(), Math.max(0, b.length - 1));
      switch (e.kind()) {
        case 0 -> {
          if (b.length > 0) {
            b[pos] = (byte) e.value();
          }
        }
        case 1 -> {
          if (b.length > 0) {
            b[pos] ^= (byte) (1 << (e.value() & 7));
          }
        }
        case 2 -> {
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, pos);
          c[pos] = (byte) e.value();
          System.arraycopy(b, pos, c, pos + 1, b.length - pos);
          b = c;
        }
        case 3 -> {
          if (b.length > 0) {
            byte[] c = new byte[b.length - 1];
            System.arraycopy(b, 0, c, 0, pos);
            System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
            b = c;
          }
        }
        default -> {
          // replace with a JSON-significant character to reach deeper validation paths
          if (b.length > 0) {
            b[pos] = (byte) "0123456789-,:[]{}\" e.".charAt(e.value() % 21);
          }
        }
      }
    }
    return b;
  }

  // Fixed seeds keep the build deterministic; change them locally to explore further.
  @Property(seed = "424242")
  void mutatedFilesReadOrFailCleanly(@ForAll("edits") List<Edit> edits) throws IOException {
    check(apply(VALID, edits), edits.toString());
  }

  @Property(seed = "4242")
  void truncatedFilesReadOrFailCleanly(@ForAll("truncation") int length) throws IOException {
    check(Arrays.copyOf(VALID, length), "truncated to " + length);
  }

  @Provide
  Arbitrary<Integer> truncation() {
    return Arbitraries.integers().between(0, VALID.length - 1);
  }

  private static void check(byte[] bytes, String what) throws IOException {
    Path tmp = SCRATCH.file();
    Files.write(tmp, bytes);
    try {
      Safetensors.read(tmp, ReadOptions.defaults().withRequireFinite(true));
      Safetensors.read(tmp);
      Statistics.collect("read");
    } catch (SafetensorsException expected) {
      Statistics.collect("rejected"); // clean rejection
    } catch (Throwable t) {
      fail(what + ": " + t, t);
    }
  }

  /** One scratch file rewritten by every try (cheaper than a new temp file each time). */
  static final Scratch SCRATCH = new Scratch(".safetensors");

  @AfterContainer
  static void deleteScratch() throws IOException {
    SCRATCH.delete();
  }

  /** A lazily created temporary file. */
  static final class Scratch {
    private final String suffix;
    private Path file;

    Scratch(String suffix) {
      this.suffix = suffix;
    }

    synchronized Path file() throws IOException {
      if (file == null) {
        file = Files.createTempFile("deit4j-fuzz", suffix);
      }
      return file;
    }

    synchronized void delete() throws IOException {
      if (file != null) {
        Files.deleteIfExists(file);
        file = null;
      }
    }
  }
}
