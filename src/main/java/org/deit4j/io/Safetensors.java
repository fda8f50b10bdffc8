package org.deit4j.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  static final String METADATA_KEY = "__metadata__";
  private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");

  /** Data sections up to this size are read onto the heap; larger ones are memory-mapped. */
  static final long HEAP_READ_LIMIT = 16L << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        throw fail(file, "file has " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long n = lenBuf.getLong(0); // u64; a negative long means >= 2^63
      if (n < 0 || n > size - 8) {
        throw fail(
            file,
            "header length "
                + Long.toUnsignedString(n)
                + " exceeds the file size "
                + size
                + " minus 8");
      }
      if (n > opts.maxHeaderBytes()) {
        throw fail(file, "header length " + n + " exceeds the limit " + opts.maxHeaderBytes());
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
      readFully(ch, headerBuf, 8, file);
      long dataStart = 8 + n;
      long dataLen = size - dataStart;
      Header header = parseHeader(file, headerBuf.array(), dataLen);

      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      if (dataLen <= Integer.MAX_VALUE) {
        ByteBuffer data = readData(ch, dataStart, dataLen, file);
        for (Entry e : header.entries) {
          ByteBuffer slice = data.slice((int) e.begin, (int) (e.end - e.begin));
          tensors.put(e.name, new HostTensor(e.dtype, e.shape, slice));
        }
      } else {
        // Past 2 GiB a single ByteBuffer cannot address the section: map each tensor on its own.
        for (Entry e : header.entries) {
          long len = e.end - e.begin;
          if (len > Integer.MAX_VALUE) {
            throw fail(
                file, "tensor " + q(e.name) + " has " + len + " bytes, over the 2 GiB limit");
          }
          ByteBuffer slice = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, len);
          tensors.put(e.name, new HostTensor(e.dtype, e.shape, slice));
        }
      }
      if (opts.requireFinite()) {
        for (Map.Entry<String, HostTensor> t : tensors.entrySet()) {
          long bad = firstNonFinite(t.getValue());
          if (bad >= 0) {
            throw fail(
                file, "tensor " + q(t.getKey()) + " has a non-finite value at element " + bad);
          }
        }
      }
      return new SafetensorsFile(tensors, header.metadata);
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
    byte[] header = headerBytes(tensors, metadata);
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        len.putLong(0, header.length);
        writeFully(ch, len);
        writeFully(ch, ByteBuffer.wrap(header));
        for (HostTensor t : tensors.values()) {
          writeFully(ch, t.data());
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** The JSON header, space-padded to a multiple of 8 bytes so the data section is aligned. */
  static byte[] headerBytes(Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode m = root.putObject(METADATA_KEY);
      metadata.forEach(
          (k, v) -> {
            if (k == null || v == null) {
              throw new IllegalArgumentException("null metadata key or value");
            }
            m.put(k, v);
          });
    }
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      String name = e.getKey();
      HostTensor t = e.getValue();
      if (name == null || t == null) {
        throw new IllegalArgumentException("null tensor name or tensor");
      }
      if (name.equals(METADATA_KEY)) {
        throw new IllegalArgumentException("'" + METADATA_KEY + "' cannot name a tensor");
      }
      ObjectNode info = root.putObject(name);
      info.put("dtype", t.dtype().name());
      ArrayNode shape = info.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      long end = offset + t.data().remaining();
      info.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(root);
    int padded = (json.length + 7) & ~7;
    byte[] out = Arrays.copyOf(json, padded);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  // ---------------------------------------------------------------- header validation

  private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  private record Header(List<Entry> entries, Map<String, String> metadata) {}

  private static Header parseHeader(Path file, byte[] bytes, long dataLen)
      throws SafetensorsException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw fail(file, "header is not valid UTF-8", e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw fail(file, "header is not valid JSON: " + firstLine(e.getOriginalMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw fail(file, "header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (name.equals(METADATA_KEY)) {
        if (!v.isObject()) {
          throw fail(file, METADATA_KEY + " is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          if (!kv.getValue().isTextual()) {
            throw fail(file, METADATA_KEY + " value of " + q(kv.getKey()) + " is not a string");
          }
          metadata.put(kv.getKey(), kv.getValue().textValue());
        }
        continue;
      }
      entries.add(parseEntry(file, name, v));
    }
    checkTiling(file, entries, dataLen);
    return new Header(entries, metadata);
  }

  private static Entry parseEntry(Path file, String name, JsonNode v) throws SafetensorsException {
    String what = "tensor " + q(name);
    if (!v.isObject()) {
      throw fail(file, what + " is not an object");
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TENSOR_FIELDS.contains(field)) {
        throw fail(file, what + " has an unknown field " + q(field));
      }
    }
    JsonNode dt = v.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw fail(file, what + ": dtype missing or not a string");
    }
    DType dtype = parseDType(dt.textValue());
    if (dtype == null) {
      throw fail(file, what + ": unknown dtype " + q(dt.textValue()));
    }
    long[] shape = longArray(file, what, "shape", v.get("shape"), -1);
    long[] offsets = longArray(file, what, "data_offsets", v.get("data_offsets"), 2);
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw fail(file, what + ": data_offsets begin " + begin + " > end " + end);
    }
    long nbytes;
    try {
      nbytes = Math.multiplyExact(HostTensor.numel(shape), (long) dtype.size());
    } catch (ArithmeticException e) {
      throw fail(file, what + ": byte size of shape " + Arrays.toString(shape) + " overflows");
    }
    if (nbytes != end - begin) {
      throw fail(
          file,
          what
              + ": shape "
              + Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + nbytes
              + " bytes but data_offsets span "
              + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  /** Non-negative integers; {@code expectedLength} -1 means any length. */
  private static long[] longArray(
      Path file, String what, String field, JsonNode node, int expectedLength)
      throws SafetensorsException {
    if (node == null || !node.isArray()) {
      throw fail(file, what + ": " + field + " missing or not an array");
    }
    if (expectedLength >= 0 && node.size() != expectedLength) {
      throw fail(
          file, what + ": " + field + " has " + node.size() + " entries, not " + expectedLength);
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode x = node.get(i);
      if (!x.isIntegralNumber() || !x.canConvertToLong()) {
        throw fail(file, what + ": " + field + "[" + i + "] = " + x + " is not a 64-bit integer");
      }
      out[i] = x.longValue();
      if (out[i] < 0) {
        throw fail(file, what + ": " + field + "[" + i + "] = " + out[i] + " is negative");
      }
    }
    return out;
  }

  /** Sorted by begin, the tensors must cover [0, dataLen) with no hole, overlap or tail. */
  private static void checkTiling(Path file, List<Entry> entries, long dataLen)
      throws SafetensorsException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : sorted) {
      if (e.end > dataLen) {
        throw fail(
            file,
            "tensor "
                + q(e.name)
                + " data_offsets end "
                + e.end
                + " is past the data section of "
                + dataLen
                + " bytes");
      }
      if (e.begin < expected) {
        throw fail(file, "tensor " + q(e.name) + " overlaps the previous tensor at " + e.begin);
      }
      if (e.begin > expected) {
        throw fail(
            file, "hole in the data section: bytes " + expected + ".." + e.begin + " are unused");
      }
      expected = e.end;
    }
    if (expected != dataLen) {
      throw fail(
          file,
          (dataLen - expected)
              + " trailing bytes after the last tensor (data ends at "
              + expected
              + ")");
    }
  }

  private static DType parseDType(String s) {
    for (DType d : DType.values()) {
      if (d.name().equals(s)) {
        return d;
      }
    }
    return null;
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
        throw fail(file, "file ended early (was it truncated while reading?)", new EOFException());
      }
      pos += r;
    }
    dst.flip();
  }

  private static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      ch.write(src);
    }
  }

  /** Makes the rename durable; not every platform can open a directory, which is harmless. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the data itself was forced before the rename
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static SafetensorsException fail(Path file, String problem) {
    return new SafetensorsException(file + ": " + problem);
  }

  private static SafetensorsException fail(Path file, String problem, Throwable cause) {
    return new SafetensorsException(file + ": " + problem, cause);
  }

  /** A name for messages: quoted, and shortened so a hostile 100 MB key cannot flood a log. */
  private static String q(String name) {
    return "'" + (name.length() > 120 ? name.substring(0, 120) + "..." : name) + "'";
  }
}
