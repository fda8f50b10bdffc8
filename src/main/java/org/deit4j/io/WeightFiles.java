package org.deit4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one entry point for weight files anywhere deit4j accepts them: detects the format by its
 * first bytes (zip {@code PK\3\4}: a {@code torch.save} checkpoint; anything else: safetensors) and
 * returns the tensors by name.
 */
public final class WeightFiles {
  /** The formats {@link #detect} tells apart. */
  public enum Format {
    SAFETENSORS,
    PTH
  }

  /**
   * Start of a legacy torch pickle: PROTO 2, then LONG1 of torch's magic number
   * 0x1950a86a20f9469cfc6c ({@code serialization.py} MAGIC_NUMBER).
   */
  private static final byte[] LEGACY_MAGIC = {
    (byte) 0x80,
    0x02,
    (byte) 0x8a,
    0x0a,
    0x6c,
    (byte) 0xfc,
    (byte) 0x9c,
    0x46,
    (byte) 0xf9,
    0x20,
    0x6a,
    (byte) 0xa8,
    0x50,
    0x19
  };

  private WeightFiles() {}

  /** The state dict of a checkpoint or the tensors of a safetensors file. */
  public static Map<String, HostTensor> read(Path file) throws IOException {
    return read(file, null);
  }

  /**
   * Like {@link #read(Path)}; {@code pthKey} selects the checkpoint entry holding the state dict
   * (e.g. {@code "model"}, see {@link PthFile#stateDict}); it must be null for safetensors.
   */
  public static Map<String, HostTensor> read(Path file, String pthKey) throws IOException {
    if (detect(file) == Format.PTH) {
      return TorchPickle.read(file).stateDict(pthKey);
    }
    if (pthKey != null) {
      throw new IllegalArgumentException(
          file + ": a checkpoint key ('" + pthKey + "') only applies to .pth files");
    }
    return Safetensors.read(file).tensors();
  }

  /**
   * The format of a file from its magic bytes.
   *
   * @throws PthException for a legacy (pre-1.6, non-zip) torch pickle, which is not supported
   */
  public static Format detect(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(LEGACY_MAGIC.length);
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return Format.PTH;
    }
    if (java.util.Arrays.equals(head, LEGACY_MAGIC)) {
      throw new PthException(
          file
              + ": legacy torch.save format (a bare pickle, written with"
              + " _use_new_zipfile_serialization=False) is not supported; re-save it with a"
              + " current torch.save or convert it to safetensors");
    }
    return Format.SAFETENSORS;
  }
}
