package org.deit4j.train.report;

import static org.deit4j.train.report.ChartPixels.columns;
import static org.deit4j.train.report.ChartPixels.count;
import static org.deit4j.train.report.ChartPixels.longestInnerGap;
import static org.deit4j.train.report.ChartPixels.readPng;
import static org.deit4j.train.report.ChartPixels.rows;
import static org.deit4j.train.report.ChartPixels.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering checks on synthetic series: size, colours, log axis, gaps, degenerate inputs. */
class LineChartTest {
  private static final Color C0 = LineChart.PALETTE.get(0);
  private static final Color C1 = LineChart.PALETTE.get(1);

  @TempDir Path dir;

  private static double[] range(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    return x;
  }

  @Test
  void writesPngOfRequestedSizeWithEachSeriesColourAndNoTempFile() throws IOException {
    int n = 60;
    double[] x = range(n);
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = 2.3 * Math.exp(-i / 15.0) + 0.4;
      b[i] = 2.0 * Math.exp(-i / 20.0) + 0.6;
    }
    Path png = dir.resolve("loss.png");
    new LineChart("Loss", "epoch", "loss")
        .size(640, 400)
        .integerX(true)
        .add("train_loss", x, a)
        .add("test_loss", x, b)
        .writePng(png);
    BufferedImage img = readPng(png);
    assertEquals(640, img.getWidth());
    assertEquals(400, img.getHeight());
    int n0 = count(img, C0);
    int n1 = count(img, C1);
    System.out.printf("series pixels: %d (%s), %d (%s)%n", n0, C0, n1, C1);
    assertTrue(n0 > 300 && n1 > 300, n0 + " " + n1);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(png), files.toList(), "the temporary file must be renamed away");
    }
  }

  @Test
  void logScaleChartOfLearningRateRenders() throws IOException {
    int n = 100;
    double[] lr = new double[n];
    for (int i = 0; i < n; i++) {
      lr[i] =
          i < 5
              ? 1e-6 + i * (5e-4 - 1e-6) / 5
              : 1e-5 + 0.5 * (5e-4 - 1e-5) * (1 + Math.cos(Math.PI * i / n));
    }
    lr[50] = 0; // not drawable on a log axis: a gap, not an exception
    Path png = dir.resolve("lr.png");
    new LineChart("Learning rate", "epoch", "lr").logY(true).add("lr", range(n), lr).writePng(png);
    BufferedImage img = readPng(png);
    assertEquals(900, img.getWidth());
    assertTrue(count(img, C0) > 300);
    // the gap at epoch 50 is about one epoch wide (~8 px) plus the round caps
    int gap = longestInnerGap(columns(img, C0));
    assertTrue(gap >= 3 && gap < 30, "gap " + gap);
  }

  @Test
  void nanValuesLeaveAGapInTheLine() {
    int n = 21;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = i >= 8 && i <= 12 ? Double.NaN : 50 + i;
    }
    BufferedImage img = new LineChart("t", "epoch", "y").add("y", range(n), y).render();
    // x axis ~0..20 over ~800 px: the missing epochs 8..12 leave 6 units (~230 px) minus dots
    int gap = longestInnerGap(columns(img, C0));
    assertTrue(gap > 150 && gap < 260, "gap " + gap);
  }

  @Test
  void singlePointIsDrawnAsADot() {
    BufferedImage img =
        new LineChart("t", "epoch", "y").add("y", new double[] {3}, new double[] {0.7}).render();
    int n = count(img, C0);
    assertTrue(n >= 20, "dot pixels " + n); // disc of radius 4, plus the legend swatch
  }

  @Test
  void constantSeriesIsAFlatLineMidChart() {
    int n = 50; // more than MARKER_MAX_POINTS: line only
    double[] y = new double[n];
    java.util.Arrays.fill(y, 3.25);
    BufferedImage img = new LineChart("t", "epoch", "y").add("y", range(n), y).render();
    // central columns only: the legend swatch sits in a corner
    boolean[] r = rows(img, C0, 300, 600);
    assertTrue(span(r) >= 1 && span(r) <= 3, "line thickness " + span(r));
    int row = 0;
    while (!r[row]) {
      row++;
    }
    assertTrue(Math.abs(row - img.getHeight() / 2) < 60, "row " + row);
  }

  @Test
  void emptyOrAllMissingSeriesSayNoData() {
    for (LineChart c :
        List.of(
            new LineChart("t", "x", "y"),
            new LineChart("t", "x", "y").add("y", new double[0], new double[0]),
            new LineChart("t", "x", "y")
                .logY(true)
                .add("y", new double[] {0, 1}, new double[] {Double.NaN, -1}))) {
      BufferedImage img = c.render();
      assertEquals(0, count(img, C0), "no series pixels");
      int dark = 0; // "no data" is written at the centre of the plot
      for (int y = img.getHeight() / 2 - 20; y < img.getHeight() / 2 + 10; y++) {
        for (int x = img.getWidth() / 2 - 60; x < img.getWidth() / 2 + 60; x++) {
          dark += (img.getRGB(x, y) & 0xff) < 100 ? 1 : 0;
        }
      }
      assertTrue(dark > 20, "text pixels " + dark);
    }
  }

  @Test
  void rejectsMismatchedSeriesAndTinyImages() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LineChart("t", "x", "y").add("y", new double[2], new double[3]));
    assertThrows(IllegalArgumentException.class, () -> new LineChart("t", "x", "y").size(10, 10));
  }
}
