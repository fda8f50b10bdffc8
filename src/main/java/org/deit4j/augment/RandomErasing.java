package org.deit4j.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * timm {@code RandomErasing} on the normalised {@code (C, H, W)} tensor: with probability {@code
 * p}, up to 10 attempts per rectangle to draw area {@code U(min, max) * H*W / count} and aspect
 * {@code exp(U(ln a0, ln a1))}; the first rectangle that fits strictly inside is overwritten.
 */
public final class RandomErasing {
  /** What the rectangle is filled with ({@code re_mode}). */
  public enum Mode {
    /** Zeros (the mean colour after normalisation); timm's default. */
    CONST,
    /** One N(0, 1) value per channel for the whole rectangle. */
    RAND,
    /** An independent N(0, 1) value per channel and pixel (DeiT's {@code --remode pixel}). */
    PIXEL;

    /** Parses timm's {@code const} / {@code rand} / {@code pixel}. */
    public static Mode parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "const" -> CONST;
        case "rand" -> RAND;
        case "pixel" -> PIXEL;
        default -> throw new IllegalArgumentException("unknown erasing mode: " + s);
      };
    }
  }

  /** An erased rectangle: rows {@code [top, top+h)}, columns {@code [left, left+w)}. */
  public record Rect(int top, int left, int h, int w) {}

  private final double probability;
  private final double minArea;
  private final double maxArea;
  private final double logAspectMin;
  private final double logAspectMax;
  private final Mode mode;
  private final int minCount;
  private final int maxCount;

  /**
   * @param probability {@code re_prob}
   * @param minArea,maxArea fraction of the image area (timm 0.02, 1/3)
   * @param minAspect minimum aspect; the maximum is {@code 1/minAspect} (timm 0.3)
   * @param minCount,maxCount rectangles per image (timm 1, {@code re_count})
   */
  public RandomErasing(
      double probability,
      double minArea,
      double maxArea,
      double minAspect,
      Mode mode,
      int minCount,
      int maxCount) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("erasing probability must be in [0, 1]: " + probability);
    }
    if (!(minArea > 0 && minArea <= maxArea && maxArea <= 1)) {
      throw new IllegalArgumentException("bad erasing area range");
    }
    if (!(minAspect > 0)) {
      throw new IllegalArgumentException("erasing aspect must be > 0");
    }
    if (minCount < 1 || maxCount < minCount) {
      throw new IllegalArgumentException("bad erasing count range");
    }
    this.probability = probability;
    this.minArea = minArea;
    this.maxArea = maxArea;
    this.logAspectMin = Math.log(minAspect);
    this.logAspectMax = Math.log(1 / minAspect);
    this.mode = mode;
    this.minCount = minCount;
    this.maxCount = maxCount;
  }

  /** timm defaults with the given probability and mode (area 0.02..1/3, aspect 0.3, 1 rect). */
  public RandomErasing(double probability, Mode mode) {
    this(probability, 0.02, 1.0 / 3.0, 0.3, mode, 1, 1);
  }

  public double probability() {
    return probability;
  }

  public Mode mode() {
    return mode;
  }

  /**
   * Erases in place.
   *
   * @param chw {@code c*h*w} floats
   * @return the rectangles written (empty when skipped)
   */
  public List<Rect> apply(float[] chw, int c, int h, int w, RandomGenerator rng) {
    if (chw.length != c * h * w) {
      throw new IllegalArgumentException("tensor size " + chw.length + " != " + c * h * w);
    }
    if (Draws.random(rng) > probability) {
      return List.of();
    }
    double area = (double) h * w;
    int count = minCount == maxCount ? minCount : Draws.randint(rng, minCount, maxCount);
    List<Rect> done = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      for (int attempt = 0; attempt < 10; attempt++) {
        double target = Draws.uniform(rng, minArea, maxArea) * area / count;
        double aspect = Math.exp(Draws.uniform(rng, logAspectMin, logAspectMax));
        int eh = Draws.roundHalfEven(Math.sqrt(target * aspect));
        int ew = Draws.roundHalfEven(Math.sqrt(target / aspect));
        if (ew < w && eh < h) {
          int top = Draws.randint(rng, 0, h - eh);
          int left = Draws.randint(rng, 0, w - ew);
          fill(chw, c, h, w, top, left, eh, ew, rng);
          done.add(new Rect(top, left, eh, ew));
          break;
        }
      }
    }
    return done;
  }

  private void fill(
      float[] chw, int c, int h, int w, int top, int left, int eh, int ew, RandomGenerator rng) {
    for (int ch = 0; ch < c; ch++) {
      float perChannel = mode == Mode.RAND ? (float) rng.nextGaussian() : 0f;
      for (int y = top; y < top + eh; y++) {
        int row = (ch * h + y) * w;
        for (int x = left; x < left + ew; x++) {
          chw[row + x] = mode == Mode.PIXEL ? (float) rng.nextGaussian() : perChannel;
        }
      }
    }
  }
}
