package org.deit4j.train.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deit4j.io.AtomicFiles;

/**
 * The per-epoch log {@code metrics.jsonl}: one JSON object per line, appended as each epoch ends.
 * Appends are forced to disk before returning, because a training may be killed at any moment; the
 * price is a possibly truncated last line, which {@link #read} skips (as any unreadable line: after
 * a resume the cut line sits mid-file). An append after a cut line first ends that line, so the new
 * record stays readable.
 *
 * <p>One writer per file is assumed (the trainer's main thread).
 */
public final class MetricsLog {
  /** File name of the log inside a run's output folder. */
  public static final String FILE_NAME = "metrics.jsonl";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          // "{...} junk" is a damaged line, not a record followed by noise
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private MetricsLog() {}

  /**
   * What {@link #read} found.
   *
   * @param rows the readable records, in file order (duplicated epochs of a resumed run included)
   * @param skippedLines 1-based numbers of non-blank lines that were not a valid record
   */
  public record Contents(List<EpochMetrics> rows, List<Integer> skippedLines) {
    public Contents {
      rows = List.copyOf(rows);
      skippedLines = List.copyOf(skippedLines);
    }
  }

  /**
   * Reads every record of a log, skipping blank lines and, without failing, lines that are not a
   * JSON object of valid metrics (a write cut short by a kill).
   *
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   */
  public static Contents read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<EpochMetrics> rows = new ArrayList<>();
    List<Integer> skipped = new ArrayList<>();
    int start = 0;
    int lineNo = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNo++;
      String line = new String(bytes, start, end - start, StandardCharsets.UTF_8).strip();
      start = end + 1;
      if (line.isEmpty()) {
        continue;
      }
      EpochMetrics row = parse(line);
      if (row == null) {
        skipped.add(lineNo);
      } else {
        rows.add(row);
      }
    }
    return new Contents(rows, skipped);
  }

  /** Appends one record as a single line and forces it to disk. */
  public static void append(Path file, EpochMetrics row) throws IOException {
    append(file, row.toMap());
  }

  /**
   * Appends one JSON object as a single line and forces it to disk, creating the file if needed.
   * Non-finite doubles are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code
   * "-Infinity"} (plain JSON; {@link #read} turns them back into doubles).
   */
  public static void append(Path file, Map<String, ?> row) throws IOException {
    byte[] line = (JSON.writeValueAsString(row) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      appendLine(file, line);
    } catch (IOException e) {
      throw new IOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  private static void appendLine(Path file, byte[] line) throws IOException {
    boolean existed = Files.exists(file);
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      long size = ch.size();
      if (size > 0) {
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        if (last.get(0) != '\n') {
          // the previous writer died mid-line: end that line so this record starts its own
          size += ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
        }
      }
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        size += ch.write(buf, size);
      }
      ch.force(true);
    }
    if (!existed) {
      Path dir = file.toAbsolutePath().getParent();
      AtomicFiles.syncDirectory(dir);
    }
  }

  /** The record on one line, or null when the line is not a valid one. */
  private static EpochMetrics parse(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject()) {
        return null;
      }
      return EpochMetrics.fromMap(JSON.convertValue(node, MAP));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return null;
    }
  }
}
