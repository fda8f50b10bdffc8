package org.deit4j.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl: round trip, missing keys, damaged lines from a killed writer. */
class MetricsLogTest {
  private static final String EXAMPLE =
      "{\"epoch\":0,\"lr\":1e-06,\"train_loss\":2.31,\"test_top1\":41.2,\"test_top5\":88.0,"
          + "\"test_top1_cls\":40.0,\"test_top1_dist\":42.1,\"test_loss\":1.9,"
          + "\"epoch_seconds\":12.3,\"images_per_s\":812.5,\"peak_rss_mb\":950.0}";

  @TempDir Path dir;

  private Path log(String text) throws IOException {
    Path f = dir.resolve(MetricsLog.FILE_NAME);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void readsTheTrainerFormatWithMissingAndNullKeys() throws IOException {
    Path f = log(EXAMPLE + "\n{\"epoch\":1,\"lr\":2e-4,\"train_loss\":2.0,\"test_top1\":null}\n\n");
    MetricsLog.Contents c = MetricsLog.read(f);
    assertEquals(List.of(), c.skippedLines());
    assertEquals(2, c.rows().size());
    EpochMetrics e0 = c.rows().get(0);
    assertEquals(0, e0.epoch());
    assertEquals(1e-6, e0.lr());
    assertEquals(42.1, e0.testTop1Dist());
    assertEquals(950.0, e0.peakRssMb());
    EpochMetrics e1 = c.rows().get(1);
    assertEquals(1, e1.epoch());
    assertNull(e1.testTop1());
    assertNull(e1.testTop1Cls());
    assertTrue(Double.isNaN(e1.value(EpochMetrics.TEST_LOSS)));
  }

  @Test
  void appendedRowsReadBackEqualIncludingExtrasAndNonFinite() throws IOException {
    Path f = dir.resolve("created-by-append.jsonl");
    EpochMetrics a = EpochMetrics.of(0).with(EpochMetrics.LR, 1e-6).with("phase", "warmup");
    EpochMetrics b =
        EpochMetrics.of(1)
            .with(EpochMetrics.TRAIN_LOSS, Double.NaN)
            .with(EpochMetrics.TEST_TOP1, 12.5)
            .with("ema_top1", 11.0);
    MetricsLog.append(f, a);
    MetricsLog.append(f, b);
    List<String> lines = Files.readAllLines(f);
    assertEquals(2, lines.size());
    assertEquals("{\"epoch\":0,\"lr\":1.0E-6,\"phase\":\"warmup\"}", lines.get(0));
    assertTrue(lines.get(1).contains("\"train_loss\":\"NaN\""), lines.get(1));
    MetricsLog.Contents c = MetricsLog.read(f);
    assertEquals(List.of(a, b), c.rows());
    assertTrue(c.rows().get(1).trainLoss().isNaN());
    assertEquals(11.0, c.rows().get(1).value("ema_top1"));
  }

  @Test
  void truncatedLastLineIsSkipped() throws IOException {
    String cut = EXAMPLE.replace("\"epoch\":0", "\"epoch\":2").substring(0, 37);
    Path f = log(EXAMPLE + "\n" + EXAMPLE.replace("\"epoch\":0", "\"epoch\":1") + "\n" + cut);
    MetricsLog.Contents c = MetricsLog.read(f);
    assertEquals(2, c.rows().size());
    assertEquals(List.of(3), c.skippedLines());
  }

  @Test
  void appendAfterACutLineStartsANewLine() throws IOException {
    Path f = log(EXAMPLE + "\n{\"epoch\":1,\"lr\":0.00");
    MetricsLog.append(f, Map.of("epoch", 1, "lr", 3e-4));
    MetricsLog.Contents c = MetricsLog.read(f);
    assertEquals(List.of(0, 1), c.rows().stream().map(EpochMetrics::epoch).toList());
    assertEquals(3e-4, c.rows().get(1).lr());
    assertEquals(List.of(2), c.skippedLines());
  }

  @Test
  void damagedLinesAnywhereAreSkippedNotFatal() throws IOException {
    Path f =
        log(
            String.join(
                "\n",
                "[1,2]",
                "{\"epoch\":\"three\"}",
                "{\"epoch\":1.5}",
                "{\"epoch\":4} {",
                "{\"lr\":{\"a\":1}}",
                "garbage",
                "{\"epoch\":5,\"lr\":\"NaN\"}"));
    MetricsLog.Contents c = MetricsLog.read(f);
    assertEquals(List.of(1, 2, 3, 4, 5, 6), c.skippedLines());
    assertEquals(1, c.rows().size());
    assertTrue(c.rows().get(0).lr().isNaN());
  }

  @Test
  void missingFileIsAnError() {
    assertThrows(NoSuchFileException.class, () -> MetricsLog.read(dir.resolve("nope.jsonl")));
  }

  @Test
  void recordRejectsBadEpochsAndExtrasShadowingFields() {
    assertThrows(IllegalArgumentException.class, () -> EpochMetrics.of(-1));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", 2.5);
    assertThrows(IllegalArgumentException.class, () -> EpochMetrics.fromMap(m));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new EpochMetrics(
                0, null, null, null, null, null, null, null, null, null, null, Map.of("lr", 1.0)));
    assertEquals(
        Map.of("epoch", 3, "test_top1", 5.0),
        EpochMetrics.of(3).with("test_top1", 5).with("lr", 1.0).with("lr", null).toMap());
  }
}
