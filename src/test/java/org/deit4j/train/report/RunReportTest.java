package org.deit4j.train.report;

import static org.deit4j.train.report.ChartPixels.count;
import static org.deit4j.train.report.ChartPixels.readPng;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.md and the three plots from a synthetic metrics log. */
class RunReportTest {
  @TempDir Path dir;

  /**
   * A 30-epoch run; top-1 peaks at 78.9 in epoch 24, then slips to 78.1. Written in one go: {@link
   * MetricsLog#append}'s fsync per line is tested in MetricsLogTest and costs ~20 ms here.
   */
  static void writeLog(Path runDir, boolean distilled) throws IOException {
    ObjectMapper json = new ObjectMapper();
    StringBuilder text = new StringBuilder();
    for (int e = 0; e < 30; e++) {
      double top1 = e == 24 ? 78.9 : e > 24 ? 78.1 : 20 + 55 * (1 - Math.exp(-e / 6.0));
      double lr =
          e < 5
              ? 1e-6 + e * (5e-4 - 1e-6) / 5
              : 1e-5 + 0.5 * 4.9e-4 * (1 + Math.cos(Math.PI * e / 30));
      EpochMetrics r =
          EpochMetrics.of(e)
              .with(EpochMetrics.LR, lr)
              .with(EpochMetrics.TRAIN_LOSS, 2.3 * Math.exp(-e / 10.0) + 0.5)
              .with(EpochMetrics.EPOCH_SECONDS, 120.0)
              .with(EpochMetrics.IMAGES_PER_S, 800.0 + e)
              .with(EpochMetrics.PEAK_RSS_MB, 900.0 + 2 * e);
      if (e % 3 != 1) { // no evaluation every third epoch: gaps
        r =
            r.with(EpochMetrics.TEST_TOP1, top1)
                .with(EpochMetrics.TEST_TOP5, Math.min(99, top1 + 15));
        r = r.with(EpochMetrics.TEST_LOSS, 2.0 * Math.exp(-e / 12.0) + 0.7);
        if (distilled) {
          r =
              r.with(EpochMetrics.TEST_TOP1_CLS, top1 - 1.5)
                  .with(EpochMetrics.TEST_TOP1_DIST, top1 - 0.5);
        }
      }
      text.append(json.writeValueAsString(r.toMap())).append('\n');
    }
    Files.writeString(runDir.resolve(MetricsLog.FILE_NAME), text);
  }

  private static Map<String, String> facts() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", "deit_tiny_distilled_patch16_224");
    facts.put("teacher", "regnety_160");
    facts.put("distillation", "hard");
    facts.put("epochs", "30");
    facts.put("batch size", "256");
    facts.put("command line", "deit4j train --model deit_tiny_distilled_patch16_224 | tee log");
    return facts;
  }

  @Test
  void distilledRunReportHasFactsBestTop1AndPlots() throws IOException {
    writeLog(dir, true);
    Path report = RunReport.write(dir, facts());
    String md = Files.readString(report);
    System.out.println(md);
    assertTrue(md.startsWith("# Training report: deit_tiny_distilled_patch16_224\n"), md);
    assertTrue(md.contains("**Best test top-1: 78.90 % at epoch 24**"), md);
    assertTrue(md.contains("| test top-1 (%) | 78.10 (epoch 29) | 78.90 (epoch 24) |"), md);
    assertTrue(
        md.contains("| test top-1, dist. head (%) | 77.60 (epoch 29) | 78.40 (epoch 24) |"), md);
    assertTrue(md.contains("| teacher | `regnety_160` |"), md);
    assertTrue(
        md.contains(
            "| command line | `deit4j train --model deit_tiny_distilled_patch16_224 \\| tee log` |"),
        md);
    assertTrue(md.contains("- Total train time: 1 h 00 min"), md);
    assertTrue(md.contains("- Mean throughput: 814.5 images/s"), md);
    assertTrue(md.contains("- Peak RSS: 958 MB"), md);
    for (String png : List.of(RunReport.LOSS_PNG, RunReport.LR_PNG, RunReport.TOP1_PNG)) {
      assertTrue(md.contains("](" + png + ")"), "links " + png);
      BufferedImage img = readPng(dir.resolve(png));
      assertEquals(900, img.getWidth());
      assertEquals(540, img.getHeight());
      assertTrue(count(img, LineChart.PALETTE.get(0)) > 200, png);
    }
    BufferedImage top1 = readPng(dir.resolve(RunReport.TOP1_PNG));
    assertTrue(count(top1, LineChart.PALETTE.get(1)) > 200, "class-head series");
    assertTrue(count(top1, LineChart.PALETTE.get(2)) > 200, "distillation-head series");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(5, files.count(), "log, 3 plots, report; no temporary file left");
    }
  }

  @Test
  void plainRunHasOneTop1SeriesAndNoHeadRows() throws IOException {
    writeLog(dir, false);
    String md = Files.readString(RunReport.write(dir, Map.of()));
    assertTrue(md.startsWith("# Training report\n"), md);
    assertTrue(md.contains("No facts were recorded"), md);
    assertFalse(md.contains("class head"), md);
    BufferedImage top1 = readPng(dir.resolve(RunReport.TOP1_PNG));
    assertTrue(count(top1, LineChart.PALETTE.get(0)) > 200);
    assertEquals(0, count(top1, LineChart.PALETTE.get(1)));
  }

  @Test
  void emptyLogAndCutLinesAreReportedNotFatal() throws IOException {
    Files.writeString(dir.resolve(MetricsLog.FILE_NAME), "{\"epoch\":0,\"lr\":");
    String md = Files.readString(RunReport.write(dir, Map.of("model", "deit_tiny_patch16_224")));
    assertTrue(md.contains("No epoch has been logged yet."), md);
    assertTrue(md.contains("Skipped 1 unreadable line(s)"), md);
    assertTrue(Files.isRegularFile(dir.resolve(RunReport.LOSS_PNG)));
  }

  @Test
  void missingLogIsAnError() {
    assertThrows(NoSuchFileException.class, () -> RunReport.write(dir, Map.of()));
  }

  @Test
  void codeSpansSurviveBackticksPipesAndNewlines() {
    assertEquals("`a\\|b`", RunReport.code("a|b"));
    assertEquals("``a`b``", RunReport.code("a`b"));
    assertEquals("`` `x` ``", RunReport.code("`x`"));
    assertEquals("`one two`", RunReport.code("one\n  two"));
    assertEquals("", RunReport.code(" "));
    assertEquals("", RunReport.code(null));
    assertEquals("4 min 12 s", RunReport.duration(252));
    assertEquals("9.3 s", RunReport.duration(9.3));
    assertEquals("n/a", RunReport.duration(Double.NaN));
  }
}
