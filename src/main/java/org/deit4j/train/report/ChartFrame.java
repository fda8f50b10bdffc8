package org.deit4j.train.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.util.List;

/**
 * Everything of a chart but the data: layout of the plot area (margins sized to the tick labels),
 * grid, frame, ticks and their labels, title and axis labels.
 */
final class ChartFrame {
  static final Color INK = new Color(0x222222);
  static final Color FRAME = new Color(0x555555);
  private static final Color GRID = new Color(0xe3e3e3);
  private static final Color MINOR_GRID = new Color(0xf3f3f3);
  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final int TICK_LEN = 5;
  private static final int MARGIN = 12;

  private final String title;
  private final String xLabel;
  private final String yLabel;

  ChartFrame(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /**
   * Draws the frame of a {@code width x height} chart and returns the plot area.
   *
   * @param xa x axis, or null for a frame without ticks (no data)
   * @param ya y axis, or null likewise
   * @param integerX whether x ticks stay on whole numbers
   */
  Rectangle draw(Graphics2D g, int width, int height, Axis xa, Axis ya, boolean integerX) {
    FontMetrics tm = g.getFontMetrics(TICK_FONT);
    FontMetrics lm = g.getFontMetrics(LABEL_FONT);
    FontMetrics hm = g.getFontMetrics(TITLE_FONT);
    int top = 14 + hm.getHeight() + 10;
    int bottom = TICK_LEN + 4 + tm.getHeight() + 6 + lm.getHeight() + 10;
    int plotH = height - top - bottom;
    List<Axis.Tick> yTicks = ya == null ? List.of() : ya.ticks(Math.max(2, plotH / 55), 0);
    int tickW = 0;
    for (Axis.Tick t : yTicks) {
      tickW = Math.max(tickW, tm.stringWidth(display(t.label())));
    }
    int left = MARGIN + lm.getHeight() + 8 + tickW + TICK_LEN + 4;
    int plotW = width - left - 2 * MARGIN;
    Rectangle plot = new Rectangle(left, top, plotW, plotH);
    List<Axis.Tick> xTicks = xa == null ? List.of() : xTicks(xa, plotW, tm, integerX);

    // grid first, under the frame and the tick marks
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
      String label = display(t.label());
      g.setColor(INK);
      float ty = (float) (py + (tm.getAscent() - tm.getDescent()) / 2.0);
      g.drawString(label, plot.x - TICK_LEN - 4 - tm.stringWidth(label), ty);
    }
    for (Axis.Tick t : xTicks) {
      double px = plot.x + xa.fraction(t.value()) * plot.width;
      g.setColor(FRAME);
      g.draw(new Line2D.Double(px, plot.getMaxY(), px, plot.getMaxY() + TICK_LEN));
      String label = display(t.label());
      g.setColor(INK);
      float tx = (float) (px - tm.stringWidth(label) / 2.0);
      g.drawString(label, tx, plot.y + plot.height + TICK_LEN + 4 + tm.getAscent());
    }

    g.setColor(INK);
    g.setFont(TITLE_FONT);
    g.drawString(
        title, (float) (plot.getCenterX() - hm.stringWidth(title) / 2.0), 14 + hm.getAscent());
    g.setFont(LABEL_FONT);
    float xlx = (float) (plot.getCenterX() - lm.stringWidth(xLabel) / 2.0);
    g.drawString(xLabel, xlx, height - 10 - lm.getDescent());
    AffineTransform saved = g.getTransform();
    g.translate(MARGIN + lm.getAscent(), plot.getCenterY() + lm.stringWidth(yLabel) / 2.0);
    g.rotate(-Math.PI / 2);
    g.drawString(yLabel, 0, 0);
    g.setTransform(saved);
    return plot;
  }

  /** Says "no data" in the middle of the plot area. */
  void noData(Graphics2D g, Rectangle plot) {
    g.setFont(LABEL_FONT);
    FontMetrics lm = g.getFontMetrics();
    g.setColor(FRAME);
    float x = (float) (plot.getCenterX() - lm.stringWidth("no data") / 2.0);
    g.drawString("no data", x, (float) (plot.getCenterY() + lm.getAscent() / 2.0));
  }

  /** x ticks whose labels do not collide: fewer, wider-spaced ticks until they fit. */
  private static List<Axis.Tick> xTicks(Axis xa, int plotW, FontMetrics tm, boolean integerX) {
    int target = Math.max(2, plotW / 90);
    while (true) {
      List<Axis.Tick> ticks = xa.ticks(target, integerX ? 1 : 0);
      double gap =
          ticks.size() < 2
              ? plotW
              : plotW * (xa.fraction(ticks.get(1).value()) - xa.fraction(ticks.get(0).value()));
      int widest = ticks.stream().mapToInt(t -> tm.stringWidth(display(t.label()))).max().orElse(0);
      if (target <= 2 || widest + 12 <= gap) {
        return ticks;
      }
      target--;
    }
  }

  /** Typographic minus sign, as printed charts use (the hyphen is too short to read as one). */
  private static String display(String label) {
    return label.replace('-', '\u2212');
  }
}
