package org.deit4j.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random mutations of benign checkpoints never cause anything but a clean {@link IOException}
 * subclass: at the file level (zip directory, headers, records) and at the pickle level (the
 * restricted unpickler run directly on mutated {@code data.pkl} bytes).
 */
class TorchPickleFuzzProperties {
  static final byte[] BENIGN = readAll(PthAssert.pth("handmade_benign.pth"));
  static final byte[] VIEWS_PKL;
  static final Map<String, byte[]> VIEWS_RECORDS = new HashMap<>();

  static {
    try (ZipFile z = new ZipFile(PthAssert.pth("views_state_dict.pth").toFile())) {
      byte[] pkl = null;
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        try (InputStream in = z.getInputStream(e)) {
          byte[] b = in.readAllBytes();
          String name = e.getName();
          if (name.endsWith("/data.pkl")) {
            pkl = b;
          } else if (name.contains("/data/")) {
            VIEWS_RECORDS.put(name.substring(name.lastIndexOf('/') + 1), b);
          }
        }
      }
      VIEWS_PKL = pkl;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<List<SafetensorsFuzzProperties.Edit>> fileEdits() {
    // handmade_benign.pth: data.pkl occupies bytes 54..248 (pth_globals.json), then the records
    return edits(BENIGN.length, 54, 248);
  }

  @Provide
  Arbitrary<List<SafetensorsFuzzProperties.Edit>> pickleEdits() {
    return edits(VIEWS_PKL.length, 0, VIEWS_PKL.length);
  }

  static Arbitrary<List<SafetensorsFuzzProperties.Edit>> edits(int length, int hotFrom, int hotTo) {
    Arbitrary<SafetensorsFuzzProperties.Edit> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.frequencyOf(
                    Tuple.of(8, Arbitraries.integers().between(hotFrom, hotTo - 1)),
                    Tuple.of(2, Arbitraries.integers().between(0, length - 1))),
                Arbitraries.integers().between(0, 255))
            .as(SafetensorsFuzzProperties.Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(3);
  }

  @Property(seed = "777")
  void mutatedCheckpointFilesFailCleanly(
      @ForAll("fileEdits") List<SafetensorsFuzzProperties.Edit> edits) throws IOException {
    byte[] bytes = SafetensorsFuzzProperties.apply(BENIGN, edits);
    Path tmp = SCRATCH.file();
    Files.write(tmp, bytes);
    try {
      TorchPickle.read(tmp);
      Statistics.collect("read");
    } catch (IOException expected) {
      // clean rejection (PthException, UnsafePickleException, ...)
      Statistics.collect(expected.getClass().getSimpleName());
    } catch (Throwable t) {
      fail(edits + ": " + t, t);
    }
  }

  static final SafetensorsFuzzProperties.Scratch SCRATCH =
      new SafetensorsFuzzProperties.Scratch(".pth");

  @AfterContainer
  static void deleteScratch() throws IOException {
    SCRATCH.delete();
  }

  @Property(seed = "778")
  void mutatedPicklesFailCleanly(
      @ForAll("pickleEdits") List<SafetensorsFuzzProperties.Edit> edits) {
    byte[] pkl = SafetensorsFuzzProperties.apply(VIEWS_PKL, edits);
    RestrictedUnpickler.StorageSource src =
        (key, nbytes) -> {
          byte[] b = VIEWS_RECORDS.get(key);
          if (b == null || b.length != nbytes) {
            throw new PthException("no record " + key + " of " + nbytes + " bytes");
          }
          return ByteBuffer.wrap(b);
        };
    try {
      Object root = new RestrictedUnpickler("fuzz.pkl", pkl, src).load();
      new PthFile(Path.of("fuzz.pth"), root).stateDict(null);
      Statistics.collect("read");
    } catch (IOException expected) {
      // clean rejection
      Statistics.collect(expected.getClass().getSimpleName());
    } catch (Throwable t) {
      fail(edits + ": " + t, t);
    }
  }
}
