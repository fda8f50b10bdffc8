package org.deit4j.train.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.RoundRectangle2D;
import java.util.List;

/**
 * The chart legend: one row per series (colour swatch and name) in a boxed panel inside the plot,
 * in whichever corner hides the fewest drawn points (loss curves fall, accuracy curves rise, so no
 * corner is right for every chart).
 */
final class Legend {
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  private static final int PAD = 8;
  private static final int SWATCH = 26;
  private static final int INSET = 10;

  private final List<LineChart.Series> series;
  private final List<double[][]> pixels;

  Legend(List<LineChart.Series> series, List<double[][]> pixels) {
    this.series = series;
    this.pixels = pixels;
  }

  void draw(Graphics2D g, Rectangle plot) {
    if (series.isEmpty()) {
      return;
    }
    g.setFont(FONT);
    FontMetrics fm = g.getFontMetrics();
    int row = fm.getHeight() + 2;
    int textW = series.stream().mapToInt(s -> fm.stringWidth(s.name())).max().orElse(0);
    int w = PAD + SWATCH + 8 + textW + PAD;
    int h = PAD + row * series.size() + PAD - 2;
    Rectangle box = bestCorner(plot, w, h);

    g.setColor(new Color(255, 255, 255, 235));
    RoundRectangle2D frame = new RoundRectangle2D.Double(box.x, box.y, w, h, 8, 8);
    g.fill(frame);
    g.setColor(new Color(0xc8c8c8));
    g.setStroke(new BasicStroke(1f));
    g.draw(frame);
    for (int i = 0; i < series.size(); i++) {
      LineChart.Series s = series.get(i);
      double cy = box.y + PAD + row * i + row / 2.0 - 1;
      g.setColor(s.color());
      g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(box.x + PAD, cy, box.x + PAD + SWATCH, cy));
      g.fill(new Ellipse2D.Double(box.x + PAD + SWATCH / 2.0 - 3, cy - 3, 6, 6));
      g.setColor(ChartFrame.INK);
      float ty = (float) (cy + (fm.getAscent() - fm.getDescent()) / 2.0);
      g.drawString(s.name(), box.x + PAD + SWATCH + 8, ty);
    }
  }

  /** Top-right, top-left, bottom-right, bottom-left: the first with the fewest covered samples. */
  private Rectangle bestCorner(Rectangle plot, int w, int h) {
    int xl = plot.x + INSET;
    int xr = plot.x + plot.width - INSET - w;
    int yt = plot.y + INSET;
    int yb = plot.y + plot.height - INSET - h;
    Rectangle[] corners = {
      new Rectangle(xr, yt, w, h),
      new Rectangle(xl, yt, w, h),
      new Rectangle(xr, yb, w, h),
      new Rectangle(xl, yb, w, h)
    };
    Rectangle best = corners[0];
    long bestCount = Long.MAX_VALUE;
    for (Rectangle c : corners) {
      long n = covered(c);
      if (n < bestCount) {
        best = c;
        bestCount = n;
      }
    }
    return best;
  }

  /** Points and samples every ~3 px along segments that fall in {@code r} grown by 4 px. */
  private long covered(Rectangle r) {
    Rectangle grown = new Rectangle(r.x - 4, r.y - 4, r.width + 8, r.height + 8);
    long n = 0;
    for (double[][] p : pixels) {
      for (int i = 0; i < p.length; i++) {
        if (Double.isNaN(p[i][0])) {
          continue;
        }
        if (grown.contains(p[i][0], p[i][1])) {
          n++;
        }
        if (i + 1 < p.length && !Double.isNaN(p[i + 1][0])) {
          double dx = p[i + 1][0] - p[i][0];
          double dy = p[i + 1][1] - p[i][1];
          int steps = (int) Math.ceil(Math.hypot(dx, dy) / 3);
          for (int k = 1; k < steps; k++) {
            if (grown.contains(p[i][0] + dx * k / steps, p[i][1] + dy * k / steps)) {
              n++;
            }
          }
        }
      }
    }
    return n;
  }
}
