package org.deit4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader and writer of the huggingface safetensors format: an unsigned 64-bit little-endian header
 * length N, N bytes of UTF-8 JSON mapping tensor names to {@code {"dtype", "shape", "data_offsets":
 * [begin, end]}} (offsets relative to the data section at byte 8+N) plus an optional {@code
 * __metadata__} string map, then the raw little-endian tensor bytes.
 *
 * <p>The reader trusts nothing: every header field is type-checked, sizes are computed with
 * overflow checks, the tensors must tile the data section exactly (the spec forbids holes and
 * overlaps), and nothing is allocated from a header number before it has been checked against the
 * real file size. Every violation is a {@link SafetensorsException}.
 */
public final class Safetensors {
  static final String METADATA_KEY = SafetensorsHeader.METADATA_KEY;

  /** Data sections up to this size are read onto the heap; larger ones are memory-mapped. */
  static final long HEAP_READ_LIMIT = 16L << 20;

  private Safetensors() {}

  /** Reads and validates a file with {@link ReadOptions#defaults()}. */
  public static SafetensorsFile read(Path file) throws IOException {
    return read(file, ReadOptions.defaults());
  }

  /**
   * Reads and validates a file.
   *
   * @throws SafetensorsException if the file violates the format (or {@code opts})
   * @throws IOException if the file cannot be read at all
   */
  public static SafetensorsFile read(Path file, ReadOptions opts) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw SafetensorsHeader.fail(
            file, "file has " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long n = lenBuf.getLong(0); // u64; a negative long means >= 2^63
      if (n < 0 || n > size - 8) {
        throw SafetensorsHeader.fail(
            file,
            "header length "
                + Long.toUnsignedString(n)
                + " exceeds the file size "
                + size
                + " minus 8");
      }
      if (n > opts.maxHeaderBytes()) {
        throw SafetensorsHeader.fail(
            file, "header length " + n + " exceeds the limit " + opts.maxHeaderBytes());
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
      readFully(ch, headerBuf, 8, file);
      long dataStart = 8 + n;
      long dataLen = size - dataStart;
      SafetensorsHeader header = SafetensorsHeader.parse(file, headerBuf.array(), dataLen);

      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      if (dataLen <= Integer.MAX_VALUE) {
        ByteBuffer data = readData(ch, dataStart, dataLen, file);
        for (SafetensorsHeader.Entry e : header.entries()) {
          ByteBuffer slice = data.slice((int) e.begin(), (int) (e.end() - e.begin()));
          tensors.put(e.name(), new HostTensor(e.dtype(), e.shape(), slice));
        }
      } else {
        // Past 2 GiB a single ByteBuffer cannot address the section: map each tensor on its own.
        for (SafetensorsHeader.Entry e : header.entries()) {
          long len = e.end() - e.begin();
          if (len > Integer.MAX_VALUE) {
            throw SafetensorsHeader.fail(
                file,
                "tensor "
                    + SafetensorsHeader.q(e.name())
                    + " has "
                    + len
                    + " bytes, over the 2 GiB limit");
          }
          ByteBuffer slice = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), len);
          tensors.put(e.name(), new HostTensor(e.dtype(), e.shape(), slice));
        }
      }
      if (opts.requireFinite()) {
        for (Map.Entry<String, HostTensor> t : tensors.entrySet()) {
          long bad = firstNonFinite(t.getValue());
          if (bad >= 0) {
            throw SafetensorsHeader.fail(
                file,
                "tensor "
                    + SafetensorsHeader.q(t.getKey())
                    + " has a non-finite value at element "
                    + bad);
          }
        }
      }
      return new SafetensorsFile(tensors, header.metadata());
    }
  }

  /**
   * Writes tensors (in the map's iteration order, contiguously) and metadata atomically: the bytes
   * go to a temporary file in the same directory, are forced to disk, and the file is renamed over
   * {@code file}.
   *
   * @param metadata string map stored as {@code __metadata__}; null or empty for none
   */
  public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    byte[] header = SafetensorsHeader.encode(tensors, metadata);
    Path abs = file.toAbsolutePath();
    AtomicFiles.write(
        abs,
        ch -> {
          ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
          len.putLong(0, header.length);
          AtomicFiles.writeFully(ch, len);
          AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
          for (HostTensor t : tensors.values()) {
            AtomicFiles.writeFully(ch, t.data());
          }
        });
  }

  // ---------------------------------------------------------------- data

  private static ByteBuffer readData(FileChannel ch, long start, long len, Path file)
      throws IOException {
    if (len > HEAP_READ_LIMIT) {
      return ch.map(FileChannel.MapMode.READ_ONLY, start, len).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer b = ByteBuffer.allocate((int) len); // bounded by the real file size
    readFully(ch, b, start, file);
    return b.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Index of the first NaN/Inf element, or -1 (always -1 for integer types). */
  static long firstNonFinite(HostTensor t) {
    ByteBuffer b = t.data();
    long n = t.numel();
    switch (t.dtype()) {
      case F32:
        for (int i = 0; i < n; i++) {
          if ((b.getInt(4 * i) & 0x7f800000) == 0x7f800000) {
            return i;
          }
        }
        return -1;
      case F64:
        for (int i = 0; i < n; i++) {
          if ((b.getLong(8 * i) & 0x7ff0000000000000L) == 0x7ff0000000000000L) {
            return i;
          }
        }
        return -1;
      case F16:
        for (int i = 0; i < n; i++) {
          if ((b.getShort(2 * i) & 0x7c00) == 0x7c00) {
            return i;
          }
        }
        return -1;
      case BF16:
        for (int i = 0; i < n; i++) {
          if ((b.getShort(2 * i) & 0x7f80) == 0x7f80) {
            return i;
          }
        }
        return -1;
      default:
        return -1;
    }
  }

  // ---------------------------------------------------------------- plumbing

  private static void readFully(FileChannel ch, ByteBuffer dst, long pos, Path file)
      throws IOException {
    while (dst.hasRemaining()) {
      int r = ch.read(dst, pos);
      if (r < 0) {
        throw SafetensorsHeader.fail(
            file, "file ended early (was it truncated while reading?)", new EOFException());
      }
      pos += r;
    }
    dst.flip();
  }
}
