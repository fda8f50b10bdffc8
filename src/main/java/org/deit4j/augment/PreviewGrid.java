package org.deit4j.augment;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays augmented samples out in a grid with a caption under each tile (the ops applied), drawn with
 * java.awt in headless mode.
 */
public final class PreviewGrid {
  private static final int PAD = 4;
  private static final int FONT_SIZE = 11;
  private static final int CAPTION_LINES = 3;

  private PreviewGrid() {}

  /** One tile and its caption. */
  public record Tile(Image image, String caption) {}

  /** Renders {@code tiles} (all the same size) in rows of {@code ceil(sqrt(n))}. */
  public static BufferedImage render(List<Tile> tiles) {
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException("no tiles");
    }
    System.setProperty("java.awt.headless", "true");
    int tw = tiles.get(0).image().width();
    int th = tiles.get(0).image().height();
    int cols = (int) Math.ceil(Math.sqrt(tiles.size()));
    int rows = (tiles.size() + cols - 1) / cols;
    int lineH = FONT_SIZE + 2;
    int cellW = tw + PAD;
    int cellH = th + CAPTION_LINES * lineH + PAD;
    BufferedImage grid =
        new BufferedImage(cols * cellW + PAD, rows * cellH + PAD, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = grid.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE));
      FontMetrics fm = g.getFontMetrics();
      g.setColor(Color.BLACK);
      for (int i = 0; i < tiles.size(); i++) {
        Tile t = tiles.get(i);
        if (t.image().width() != tw || t.image().height() != th) {
          throw new IllegalArgumentException("tiles must all be " + tw + "x" + th);
        }
        int x = PAD + (i % cols) * cellW;
        int y = PAD + (i / cols) * cellH;
        g.drawImage(ImageCodec.toBufferedImage(t.image()), x, y, null);
        List<String> lines = wrap(t.caption(), fm, tw);
        for (int l = 0; l < Math.min(lines.size(), CAPTION_LINES); l++) {
          g.drawString(lines.get(l), x, y + th + (l + 1) * lineH - 2);
        }
      }
    } finally {
      g.dispose();
    }
    return grid;
  }

  /** Greedy word wrap on ", " separators. */
  static List<String> wrap(String text, FontMetrics fm, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(", ")) {
      String candidate = line.length() == 0 ? word : line + ", " + word;
      if (fm.stringWidth(candidate) <= width || line.length() == 0) {
        line.setLength(0);
        line.append(candidate);
      } else {
        lines.add(line + ",");
        line.setLength(0);
        line.append(word);
      }
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
