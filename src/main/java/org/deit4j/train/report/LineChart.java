package org.deit4j.train.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.deit4j.io.AtomicFiles;

/**
 * A small line-chart renderer on {@code java.awt} in headless mode, for training curves: title,
 * axis labels, 1-2-5 ticks (decades on a log y axis), several named series with distinct colours
 * and a legend (from two series on), anti-aliased, written as PNG. Missing values ({@code NaN},
 * infinities, and values {@code <= 0} on a log axis) break a line into segments; a point with no
 * neighbour is drawn as a dot; a chart without any finite point says "no data".
 *
 * <p>Usage: {@code new LineChart("Loss", "epoch", "loss").add("train_loss", x, y).writePng(p)}. The
 * builder methods mutate and return this chart; a chart is not thread-safe.
 */
public final class LineChart {
  static {
    // Only off-screen images are drawn: never ask for a display (a training box has none).
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Series colours in order of addition (the Tableau 10 palette, distinct for colour-blind). */
  public static final List<Color> PALETTE =
      List.of(
          new Color(0x1f77b4),
          new Color(0xff7f0e),
          new Color(0x2ca02c),
          new Color(0xd62728),
          new Color(0x9467bd),
          new Color(0x8c564b),
          new Color(0xe377c2),
          new Color(0x7f7f7f),
          new Color(0xbcbd22),
          new Color(0x17becf));

  /** Series with at most this many finite points also get a dot per point. */
  static final int MARKER_MAX_POINTS = 40;

  /**
   * One named curve; {@code x[i], y[i]} is a point, non-finite values are gaps. Arrays are copied.
   *
   * @param color drawing colour, opaque
   */
  public record Series(String name, double[] x, double[] y, Color color) {
    public Series {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(color, "color");
      if (x.length != y.length) {
        throw new IllegalArgumentException(
            "series '" + name + "': " + x.length + " x values but " + y.length + " y values");
      }
      x = x.clone();
      y = y.clone();
    }

    @Override
    public double[] x() {
      return x.clone();
    }

    @Override
    public double[] y() {
      return y.clone();
    }

    /** Whether point {@code i} can be drawn on a y axis that is logarithmic or not. */
    boolean drawable(int i, boolean logY) {
      return Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!logY || y[i] > 0);
    }
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private int width = 900;
  private int height = 540;
  private boolean logY;
  private boolean integerX;

  /** A chart with no series yet, 900 x 540 pixels, linear axes. */
  public LineChart(String title, String xLabel, String yLabel) {
    this.title = Objects.requireNonNull(title, "title");
    this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
    this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
  }

  /** Image size in pixels (at least 240 x 160 so the frame and labels fit). */
  public LineChart size(int width, int height) {
    if (width < 240 || height < 160) {
      throw new IllegalArgumentException("chart too small: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    return this;
  }

  /** Base-10 logarithmic y axis (learning rates); values {@code <= 0} become gaps. */
  public LineChart logY(boolean on) {
    this.logY = on;
    return this;
  }

  /** Keeps x ticks on whole numbers (epochs): the tick step is at least 1. */
  public LineChart integerX(boolean on) {
    this.integerX = on;
    return this;
  }

  /** Adds a series in the next {@link #PALETTE} colour. */
  public LineChart add(String name, double[] x, double[] y) {
    return add(new Series(name, x, y, PALETTE.get(series.size() % PALETTE.size())));
  }

  /** Adds a series with its own colour. */
  public LineChart add(Series s) {
    series.add(Objects.requireNonNull(s, "series"));
    return this;
  }

  /** The series added so far, in drawing order. */
  public List<Series> series() {
    return List.copyOf(series);
  }

  /** Draws the chart into a new RGB image of {@link #size} pixels. */
  public BufferedImage render() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setRenderingHint(
          RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      draw(g);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Renders and writes a PNG atomically (temporary file in the same folder, then a rename). */
  public void writePng(Path file) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    if (!ImageIO.write(render(), "png", out)) {
      throw new IOException("no PNG writer available in this JRE");
    }
    AtomicFiles.write(file, out.toByteArray());
  }

  private void draw(Graphics2D g) {
    double[] xr = range(true);
    double[] yr = range(false);
    boolean empty = xr == null;
    Axis xa;
    if (empty) {
      xa = new Axis(0, 1, false);
    } else if (integerX && xr[0] == xr[1]) {
      xa = new Axis(xr[0] - 0.5, xr[0] + 0.5, false); // one epoch: no ticks at epochs never run
    } else {
      xa = Axis.fit(xr[0], xr[1], false, 0.02);
    }
    Axis ya =
        empty ? new Axis(logY ? 0.1 : 0, logY ? 10 : 1, logY) : Axis.fit(yr[0], yr[1], logY, 0.05);
    ChartFrame frame = new ChartFrame(title, xLabel, yLabel);
    Rectangle plot = frame.draw(g, width, height, empty ? null : xa, empty ? null : ya, integerX);
    if (empty) {
      frame.noData(g, plot);
      return;
    }
    List<double[][]> pixels = new ArrayList<>();
    for (Series s : series) {
      pixels.add(toPixels(s, xa, ya, plot));
    }
    g.setClip(plot.x + 1, plot.y + 1, plot.width - 1, plot.height - 1);
    for (int i = 0; i < series.size(); i++) {
      drawSeries(g, pixels.get(i), series.get(i).color());
    }
    g.setClip(null);
    if (series.size() > 1) { // one curve: the title and the y label already name it
      new Legend(series, pixels).draw(g, plot);
    }
  }

  /** Finite data range {min, max} of x (or y) over all drawable points; null when there is none. */
  private double[] range(boolean ofX) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (s.drawable(i, logY)) {
          double v = ofX ? s.x[i] : s.y[i];
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return min <= max ? new double[] {min, max} : null;
  }

  /** Pixel coordinates {px, py} per point, NaN for gaps. */
  private double[][] toPixels(Series s, Axis xa, Axis ya, Rectangle plot) {
    double[][] p = new double[s.x.length][];
    for (int i = 0; i < p.length; i++) {
      p[i] =
          s.drawable(i, logY)
              ? new double[] {
                plot.x + xa.fraction(s.x[i]) * plot.width,
                plot.y + (1 - ya.fraction(s.y[i])) * plot.height
              }
              : new double[] {Double.NaN, Double.NaN};
    }
    return p;
  }

  /** Polylines through consecutive drawable points; dots for isolated points or short series. */
  static void drawSeries(Graphics2D g, double[][] p, Color color) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    long finite = Arrays.stream(p).filter(q -> !Double.isNaN(q[0])).count();
    Path2D.Double path = new Path2D.Double();
    for (int i = 0; i < p.length; i++) {
      if (Double.isNaN(p[i][0])) {
        continue;
      }
      boolean prev = i > 0 && !Double.isNaN(p[i - 1][0]);
      boolean next = i + 1 < p.length && !Double.isNaN(p[i + 1][0]);
      if (prev) {
        path.lineTo(p[i][0], p[i][1]);
      } else {
        path.moveTo(p[i][0], p[i][1]);
      }
      if ((!prev && !next) || finite <= MARKER_MAX_POINTS) {
        double r = !prev && !next ? 4 : 3;
        g.fill(new Ellipse2D.Double(p[i][0] - r, p[i][1] - r, 2 * r, 2 * r));
      }
    }
    g.draw(path);
  }
}
