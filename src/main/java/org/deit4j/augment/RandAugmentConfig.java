package org.deit4j.augment;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed timm RandAugment config string ({@code rand_augment_transform}): {@code
 * rand-m9-n2-mstd0.5-mmax10-inc1-p0.5}. Sections are dash-separated, in any order, each a key and a
 * value starting at the first digit; a section without a digit is ignored (as in timm).
 *
 * @param magnitude {@code m}: base magnitude, 0..10 scale (timm default 10)
 * @param numLayers {@code n}: ops drawn per image, with replacement (default 2)
 * @param magnitudeStd {@code mstd}: std of the Gaussian magnitude noise; {@code > 100} becomes
 *     infinity = uniform in [0, m] (default 0)
 * @param magnitudeMax {@code mmax}: upper clip of the magnitude; 0 means timm's default 10
 * @param increasing {@code inc}: use {@code _RAND_INCREASING_TRANSFORMS}. Like timm ({@code
 *     bool(val)} of a non-empty string) any {@code inc} section, even {@code inc0}, turns it on
 * @param prob {@code p}: probability of applying each drawn op (default 0.5)
 */
public record RandAugmentConfig(
    int magnitude,
    int numLayers,
    double magnitudeStd,
    int magnitudeMax,
    boolean increasing,
    double prob) {

  private static final Pattern SECTION = Pattern.compile("^(\\D*)(\\d.*)$");

  /** Validates ranges. */
  public RandAugmentConfig {
    if (numLayers < 0) {
      throw new IllegalArgumentException("RandAugment n must be >= 0: " + numLayers);
    }
    if (!(magnitudeStd >= 0)) {
      throw new IllegalArgumentException("RandAugment mstd must be >= 0: " + magnitudeStd);
    }
    if (magnitudeMax < 0) {
      throw new IllegalArgumentException("RandAugment mmax must be >= 0: " + magnitudeMax);
    }
    if (!(prob >= 0 && prob <= 1)) {
      throw new IllegalArgumentException("RandAugment p must be in [0, 1]: " + prob);
    }
  }

  /** DeiT's {@code rand-m9-mstd0.5-inc1}. */
  public static RandAugmentConfig deit() {
    return parse("rand-m9-mstd0.5-inc1");
  }

  /** The op list this config draws from (15 ops, timm order). */
  public RandAugmentOp[] ops() {
    return (increasing ? RandAugmentOp.INCREASING : RandAugmentOp.STANDARD).clone();
  }

  /** The effective magnitude clip ({@code magnitude_max or 10}). */
  public double upperBound() {
    return magnitudeMax == 0 ? RandAugmentOp.LEVEL_DENOM : magnitudeMax;
  }

  /**
   * Parses a timm config string.
   *
   * @throws IllegalArgumentException for a string not starting with {@code rand}, an unknown or
   *     unsupported key ({@code w} weights and {@code t} transform lists are not ported), or a bad
   *     number
   */
  public static RandAugmentConfig parse(String config) {
    String[] parts = config.trim().split("-");
    if (!parts[0].equals("rand")) {
      throw new IllegalArgumentException("RandAugment config must start with 'rand': " + config);
    }
    int m = 10;
    int n = 2;
    double mstd = 0;
    int mmax = 0;
    boolean inc = false;
    double p = 0.5;
    for (int i = 1; i < parts.length; i++) {
      Matcher mt = SECTION.matcher(parts[i]);
      if (!mt.matches()) {
        continue; // timm: re.split yields < 2 parts, section skipped
      }
      String key = mt.group(1).toLowerCase(Locale.ROOT);
      String val = mt.group(2);
      try {
        switch (key) {
          case "mstd" -> {
            mstd = Double.parseDouble(val);
            if (mstd > 100) {
              mstd = Double.POSITIVE_INFINITY;
            }
          }
          case "mmax" -> mmax = Integer.parseInt(val);
          case "inc" -> inc = true;
          case "m" -> m = Integer.parseInt(val);
          case "n" -> n = Integer.parseInt(val);
          case "p" -> p = Double.parseDouble(val);
          default ->
              throw new IllegalArgumentException(
                  "unknown or unsupported RandAugment config section '"
                      + parts[i]
                      + "' in "
                      + config);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bad number in RandAugment section '" + parts[i] + "': " + config, e);
      }
    }
    return new RandAugmentConfig(m, n, mstd, mmax, inc, p);
  }
}
