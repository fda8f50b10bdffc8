package org.deit4j.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.deit4j.io.HostTensor;

/**
 * The content checksum of a {@link Checkpoint}: CRC32C over every tensor (name, dtype, shape, data
 * bytes) in header order — the order the data section is written in — then over every other
 * metadata entry in key order. Stored as 8 lowercase hex digits under {@link #KEY}.
 *
 * <p>Why CRC32C and not SHA-256: the threat is accidental damage (a torn or truncated write, a bad
 * disk or copy), not an adversary, who could rewrite any checksum kept in the same file. CRC32C
 * misses a random corruption with probability 2^-32 and runs at 13–25 GB/s in the JDK (hardware
 * intrinsic), against about 1 GB/s for SHA-256 on the same core: a DeiT-B checkpoint (model, EMA
 * and two AdamW moments, ~1.4 GB) costs ~0.1 s to check instead of ~1.4 s, at every save and load.
 * Covering names, shapes and the metadata too catches a damaged header that still parses (a flipped
 * digit in {@code epochs_done} or in the configuration).
 */
final class CheckpointChecksum {
  /** Metadata key of the checksum. */
  static final String KEY = "deit4j.crc32c";

  private CheckpointChecksum() {}

  /**
   * The checksum of a checkpoint's content.
   *
   * @param tensors all tensors, in the order they are (or were) written
   * @param metadata the header metadata; an entry under {@link #KEY} is ignored
   */
  static String of(Map<String, HostTensor> tensors, Map<String, String> metadata) {
    CRC32C crc = new CRC32C();
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor t = e.getValue();
      string(crc, e.getKey());
      string(crc, t.dtype().name());
      long[] shape = t.shape();
      ByteBuffer dims = ByteBuffer.allocate(4 + 8 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
      dims.putInt(shape.length);
      for (long d : shape) {
        dims.putLong(d);
      }
      crc.update(dims.flip());
      crc.update(t.data());
    }
    for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
      if (!m.getKey().equals(KEY)) {
        string(crc, m.getKey());
        string(crc, m.getValue());
      }
    }
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }

  /** Length-prefixed UTF-8, so that ("ab", "c") and ("a", "bc") differ. */
  private static void string(CRC32C crc, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, b.length);
    crc.update(len);
    crc.update(b);
  }
}
