package org.deit4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends one JSON object per epoch to {@code metrics.jsonl} (flushed and synced each time). */
public final class MetricsListener implements TrainListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public MetricsListener(Path runDir) {
    this.file = runDir.resolve("metrics.jsonl");
  }

  @Override
  public void onEpoch(EpochInfo e) {
    try {
      Files.createDirectories(file.getParent());
      byte[] line = (JSON.writeValueAsString(e.metrics()) + "\n").getBytes(StandardCharsets.UTF_8);
      try (FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(line));
        ch.force(true);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + file, ex);
    }
  }
}
