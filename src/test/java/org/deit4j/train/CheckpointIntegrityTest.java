package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deit4j.data.ClassMap;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;
import org.deit4j.io.Safetensors;
import org.deit4j.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint checksum (CRC32C, {@link CheckpointChecksum}): written on save, verified on load;
 * every single-bit flip anywhere in a checkpoint file is refused with an {@link IOException}.
 */
class CheckpointIntegrityTest {
  @TempDir Path tmp;

  /** A checkpoint of a few hundred bytes of tensors (and ~1.5 KB of header). */
  private static Checkpoint small() {
    Map<String, HostTensor> model = new LinkedHashMap<>();
    model.put("head.weight", f32(new long[] {3, 4}, 0.5f));
    model.put("head.bias", f32(new long[] {3}, -1f));
    Map<String, HostTensor> opt = new LinkedHashMap<>();
    opt.put("state.0.exp_avg", f32(new long[] {3, 4}, 1e-3f));
    return new Checkpoint(
        CheckpointWriterChild.CONFIG,
        new ClassMap(List.of("a", "b", "c")),
        2,
        51.5,
        1,
        model,
        Map.of(),
        opt);
  }

  private static HostTensor f32(long[] shape, float base) {
    float[] v = new float[(int) HostTensor.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = base + i;
    }
    return HostTensor.ofFloats(v, shape);
  }

  @Test
  void saveWritesTheChecksumAndLoadVerifiesIt() throws Exception {
    Path f = tmp.resolve("c.safetensors");
    small().save(f);
    SafetensorsFile raw = Safetensors.read(f);
    String crc = raw.metadata().get(CheckpointChecksum.KEY);
    assertTrue(crc.matches("[0-9a-f]{8}"), crc);
    assertEquals("2", raw.metadata().get(Checkpoint.FORMAT_KEY));
    Checkpoint c = Checkpoint.load(f);
    assertEquals(small().model(), c.model());
    assertEquals(small().optimizer(), c.optimizer());
    assertEquals(2, c.epochsDone());
    assertTrue(Checkpoint.isCheckpoint(f));
  }

  @Test
  void everySingleBitFlipIsRefused() throws Exception {
    Path good = tmp.resolve("good.safetensors");
    small().save(good);
    byte[] bytes = Files.readAllBytes(good);
    Path bad = tmp.resolve("bad.safetensors");
    int checksumMismatches = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte[] b = bytes.clone();
      b[i] ^= (byte) (1 << (i % 8));
      Files.write(bad, b);
      try {
        Checkpoint.load(bad);
        fail("bit " + (i % 8) + " of byte " + i + " flipped, yet the checkpoint loaded");
      } catch (IOException e) {
        if (e.getMessage().contains("damaged checkpoint")) {
          checksumMismatches++;
        }
      }
    }
    // the data section and every metadata value are covered by the checksum alone
    long dataBytes = 4 * (12 + 3 + 12);
    assertTrue(checksumMismatches > dataBytes, "checksum caught " + checksumMismatches);
    System.out.printf(
        "[integrity] %d of %d single-bit flips refused (%d by the checksum, the rest by the"
            + " format checks)%n",
        bytes.length, bytes.length, checksumMismatches);
  }

  @Test
  void mismatchMessageNamesTheFileAndBothSums() throws Exception {
    Path f = tmp.resolve("c.safetensors");
    small().save(f);
    byte[] b = Files.readAllBytes(f);
    b[b.length - 1] ^= 0x10; // last byte of optimizer data
    Files.write(f, b);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(f));
    assertTrue(
        e.getMessage().startsWith(f + ": damaged checkpoint: content checksum "), e.getMessage());
    assertTrue(e.getMessage().contains("crc32c"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void aDigitChangedInTheMetadataIsCaught() throws Exception {
    Path f = tmp.resolve("c.safetensors");
    small().save(f);
    String s = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
    String from = "\"deit4j.epochs_done\":\"2\"";
    assertTrue(s.contains(from));
    Files.write(
        f, s.replace(from, "\"deit4j.epochs_done\":\"9\"").getBytes(StandardCharsets.ISO_8859_1));
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(f));
    assertTrue(e.getMessage().contains("damaged checkpoint"), e.getMessage());
  }

  @Test
  void formatOneWithoutChecksumStillLoadsButFormatTwoRequiresIt() throws Exception {
    Path f = tmp.resolve("c.safetensors");
    small().save(f);
    SafetensorsFile raw = Safetensors.read(f);
    Map<String, String> meta = new LinkedHashMap<>(raw.metadata());
    meta.remove(CheckpointChecksum.KEY);
    Path v2 = tmp.resolve("v2-without-sum.safetensors");
    Safetensors.write(v2, raw.tensors(), meta);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(v2));
    assertTrue(e.getMessage().contains("checksum entry is missing"), e.getMessage());

    meta.put(Checkpoint.FORMAT_KEY, "1"); // written before checksums existed
    Path v1 = tmp.resolve("v1.safetensors");
    Safetensors.write(v1, raw.tensors(), meta);
    assertTrue(Checkpoint.isCheckpoint(v1));
    assertEquals(small().model(), Checkpoint.load(v1).model());
  }

  @Test
  void checksumCoversNamesAndShapesNotJustBytes() {
    Map<String, HostTensor> a = Map.of("w", f32(new long[] {2, 6}, 0));
    Map<String, HostTensor> shape = Map.of("w", f32(new long[] {3, 4}, 0));
    Map<String, HostTensor> name = Map.of("v", f32(new long[] {2, 6}, 0));
    Map<String, String> meta = Map.of("k", "v");
    String sum = CheckpointChecksum.of(a, meta);
    assertFalse(sum.equals(CheckpointChecksum.of(shape, meta)));
    assertFalse(sum.equals(CheckpointChecksum.of(name, meta)));
    assertFalse(sum.equals(CheckpointChecksum.of(a, Map.of("k", "w"))));
    assertEquals(sum, CheckpointChecksum.of(a, Map.of("k", "v", CheckpointChecksum.KEY, "x")));
    assertEquals(DType.F32, a.get("w").dtype());
  }
}
