package org.deit4j.train.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
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

/**
 * A small line-chart renderer on {@code java.awt} in headless mode, for training curves: title,
 * axis labels, 1-2-5 ticks (decades on a log y axis), several named series with distinct colours
 * and a legend, anti-aliased, written as PNG. Missing values ({@code NaN}, infinities, and values
 * {@code <= 0} on a log axis) break a line into segments; a point with no neighbour is drawn as a
 * dot; a chart without any finite point says "no data".
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

  private static final Color INK = new Color(0x222222);
  private static final Color FRAME = new Color(0x555555);
  private static final Color GRID = new Color(0xe3e3e3);
  private static final Color MINOR_GRID = new Color(0xf3f3f3);
  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  private static final int TICK_LEN = 5;

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
    Axis xa = empty ? new Axis(0, 1, false) : Axis.fit(xr[0], xr[1], false, 0.02);
    Axis ya =
        empty ? new Axis(logY ? 0.1 : 0, logY ? 10 : 1, logY) : Axis.fit(yr[0], yr[1], logY, 0.05);

    FontMetrics tm = g.getFontMetrics(TICK_FONT);
    FontMetrics lm = g.getFontMetrics(LABEL_FONT);
    FontMetrics hm = g.getFontMetrics(TITLE_FONT);
    int top = 14 + hm.getHeight() + 10;
    int bottom = TICK_LEN + 4 + tm.getHeight() + 6 + lm.getHeight() + 10;
    int plotH = height - top - bottom;
    List<Axis.Tick> yTicks = empty ? List.of() : ya.ticks(Math.max(2, plotH / 55), 0);
    int tickW = 0;
    for (Axis.Tick t : yTicks) {
      tickW = Math.max(tickW, tm.stringWidth(t.label()));
    }
    int left = 12 + lm.getHeight() + 8 + tickW + TICK_LEN + 4;
    int plotW = width - left - 24;
    Rectangle plot = new Rectangle(left, top, plotW, plotH);
    List<Axis.Tick> xTicks = empty ? List.of() : xTicks(xa, plotW, tm);

    // grid, then frame and tick marks
    g.setStroke(new BasicStroke(1f));
    for (Axis.Tick t : yTicks) {
      double py = plot.y + (1 - ya.fraction(t.value())) * plot.height;
      g.setColor(t.major() ? GRID : MINOR_GRID);
      g.draw(new Line2D.Double(plot.x, py, plot.getMaxX(), py));
    }
    for (Axis.Tick t : xTicks) {
      double px = plot.x + xa.fraction(t.value()) * plot.width;
      g.setColor(GRID);
      g.draw(new Line2D.Double(px, plot.y, px, plot.getMaxY()));
    }
    g.setColor(FRAME);
    g.drawRect(plot.x, plot.y, plot.width, plot.height);
    g.setFont(TICK_FONT);
    for (Axis.Tick t : yTicks) {
      double py = plot.y + (1 - ya.fraction(t.value())) * plot.height;
      int len = t.major() ? TICK_LEN : TICK_LEN - 2;
      g.setColor(FRAME);
      g.draw(new Line2D.Double(plot.x - len, py, plot.x, py));
      g.setColor(INK);
      float ty = (float) (py + (tm.getAscent() - tm.getDescent()) / 2.0);
      g.drawString(t.label(), plot.x - TICK_LEN - 4 - tm.stringWidth(t.label()), ty);
    }
    for (Axis.Tick t : xTicks) {
      double px = plot.x + xa.fraction(t.value()) * plot.width;
      g.setColor(FRAME);
      g.draw(new Line2D.Double(px, plot.getMaxY(), px, plot.getMaxY() + TICK_LEN));
      g.setColor(INK);
      float tx = (float) (px - tm.stringWidth(t.label()) / 2.0);
      g.drawString(t.label(), tx, plot.y + plot.height + TICK_LEN + 4 + tm.getAscent());
    }

    // title and axis labels
    g.setColor(INK);
    g.setFont(TITLE_FONT);
    g.drawString(title, (width - hm.stringWidth(title)) / 2f, 14 + hm.getAscent());
    g.setFont(LABEL_FONT);
    float xlx = (float) (plot.getCenterX() - lm.stringWidth(xLabel) / 2.0);
    g.drawString(xLabel, xlx, height - 10 - lm.getDescent());
    AffineTransform saved = g.getTransform();
    g.translate(12 + lm.getAscent(), plot.getCenterY() + lm.stringWidth(yLabel) / 2.0);
    g.rotate(-Math.PI / 2);
    g.drawString(yLabel, 0, 0);
    g.setTransform(saved);

    if (empty) {
      g.setColor(FRAME);
      g.drawString(
          "no data",
          (float) (plot.getCenterX() - lm.stringWidth("no data") / 2.0),
          (float) plot.getCenterY());
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
    new Legend(series, pixels).draw(g, plot);
  }

  /** x ticks whose labels do not collide: the step grows until they fit. */
  private List<Axis.Tick> xTicks(Axis xa, int plotW, FontMetrics tm) {
    int target = Math.max(2, plotW / 90);
    while (true) {
      List<Axis.Tick> ticks = xa.ticks(target, integerX ? 1 : 0);
      double gap = ticks.size() < 2 ? plotW : plotW * xa.fraction(ticks.get(1).value());
      gap -= ticks.size() < 2 ? 0 : plotW * xa.fraction(ticks.get(0).value());
      int widest = ticks.stream().mapToInt(t -> tm.stringWidth(t.label())).max().orElse(0);
      if (target <= 2 || widest + 12 <= gap) {
        return ticks;
      }
      target--;
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
