package org.deit4j.train.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Pixel queries on rendered charts, for tests. */
final class ChartPixels {
  private ChartPixels() {}

  static BufferedImage readPng(Path file) throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null) {
      throw new IOException("not a decodable image: " + file);
    }
    return img;
  }

  /** Number of pixels of exactly this RGB colour (a line's fully covered interior). */
  static int count(BufferedImage img, Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        n += (img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff) ? 1 : 0;
      }
    }
    return n;
  }

  /** Per column: whether it holds a pixel of exactly this colour. */
  static boolean[] columns(BufferedImage img, Color c) {
    boolean[] has = new boolean[img.getWidth()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        has[x] |= (img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff);
      }
    }
    return has;
  }

  /** Per row: whether columns {@code [x0, x1)} hold a pixel of exactly this colour. */
  static boolean[] rows(BufferedImage img, Color c, int x0, int x1) {
    boolean[] has = new boolean[img.getHeight()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = x0; x < x1; x++) {
        has[y] |= (img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff);
      }
    }
    return has;
  }

  /** Index span (last - first + 1) of the true entries; 0 when none. */
  static int span(boolean[] has) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < has.length; i++) {
      if (has[i]) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    return first < 0 ? 0 : last - first + 1;
  }

  /** Longest run of false entries strictly between the first and the last true entry. */
  static int longestInnerGap(boolean[] has) {
    int best = 0;
    int run = 0;
    boolean seen = false;
    for (boolean h : has) {
      if (h) {
        best = seen ? Math.max(best, run) : best;
        seen = true;
        run = 0;
      } else {
        run++;
      }
    }
    return best;
  }
}
