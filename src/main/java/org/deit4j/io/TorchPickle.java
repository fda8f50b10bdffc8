package org.deit4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch {@code .pth} checkpoints written by {@code torch.save} (zip format, torch >= 1.6)
 * without executing pickle code.
 *
 * <p>Layout (torch {@code serialization.py}): a zip with one top folder holding {@code data.pkl}
 * (the pickled object) and {@code data/<key>} (raw little-endian storage bytes, one record per
 * storage). Tensors are {@code torch._utils._rebuild_tensor_v2} calls on persistent-id storages;
 * {@link RestrictedUnpickler} interprets those and refuses every other global. Other records
 * ({@code version}, {@code byteorder}, ...) are ignored. The legacy pre-1.6 (non-zip) format is not
 * supported.
 */
public final class TorchPickle {
  /** Largest {@code data.pkl} accepted (pickles of real checkpoints are a few MB at most). */
  static final int MAX_PICKLE_BYTES = 256 << 20;

  private TorchPickle() {}

  /**
   * Reads a checkpoint.
   *
   * @throws UnsafePickleException if the pickle names a global outside the allow-list
   * @throws PthException if the file is not a readable torch zip checkpoint
   * @throws IOException if the file cannot be read at all
   */
  public static PthFile read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new PthException(file + ": not a torch checkpoint zip (" + e.getMessage() + ")", e);
    }
    try (zip) {
      String top = topFolder(zip, file);
      byte[] pkl = readEntry(zip, top + "data.pkl", -1, file);
      RestrictedUnpickler.StorageSource storages =
          (key, nbytes) -> {
            if (key.isEmpty() || key.contains("/") || key.contains("\\") || key.contains("..")) {
              throw new PthException(file + ": invalid storage key '" + key + "'");
            }
            return ByteBuffer.wrap(readEntry(zip, top + "data/" + key, nbytes, file));
          };
      Object root = new RestrictedUnpickler(file.toString(), pkl, storages).load();
      return new PthFile(file, root);
    }
  }

  /** The {@code <top>/} prefix of the single entry named {@code <top>/data.pkl}. */
  private static String topFolder(ZipFile zip, Path file) throws PthException {
    List<String> found = new ArrayList<>();
    try {
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        String name = en.nextElement().getName();
        if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - 9) {
          found.add(name);
        }
      }
    } catch (RuntimeException e) { // ZipFile reports some malformed directories unchecked
      throw new PthException(file + ": malformed zip directory (" + e.getMessage() + ")", e);
    }
    if (found.size() != 1) {
      throw new PthException(
          file
              + (found.isEmpty()
                  ? ": no <folder>/data.pkl entry: not a torch.save checkpoint (zip format)"
                  : ": several data.pkl entries " + found));
    }
    String pkl = found.get(0);
    return pkl.substring(0, pkl.length() - "data.pkl".length());
  }

  /**
   * An entry's bytes: exactly {@code expected} of them, or any number up to {@link
   * #MAX_PICKLE_BYTES} when {@code expected} is -1. Memory grows with the bytes actually present,
   * never with a size the archive merely claims.
   */
  private static byte[] readEntry(ZipFile zip, String name, int expected, Path file)
      throws PthException {
    try {
      ZipEntry e = zip.getEntry(name);
      if (e == null) {
        throw new PthException(file + ": missing record '" + name + "'");
      }
      if (expected >= 0 && e.getSize() >= 0 && e.getSize() != expected) {
        throw new PthException(
            file + ": record '" + name + "' has " + e.getSize() + " bytes, expected " + expected);
      }
      int limit = expected >= 0 ? expected : MAX_PICKLE_BYTES;
      byte[] b;
      try (InputStream in = zip.getInputStream(e)) {
        b = in.readNBytes(limit + 1);
      }
      if (b.length > limit || (expected >= 0 && b.length != expected)) {
        throw new PthException(
            file
                + ": record '"
                + name
                + "' has "
                + (b.length > limit ? "more than " + limit : String.valueOf(b.length))
                + " bytes"
                + (expected >= 0 ? ", expected " + expected : ""));
      }
      return b;
    } catch (PthException ex) {
      throw ex;
    } catch (IOException | RuntimeException ex) {
      throw new PthException(
          file + ": cannot read record '" + name + "' (" + ex.getMessage() + ")", ex);
    }
  }
}
