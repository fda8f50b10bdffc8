package org.deit4j.train.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One chart axis: a data range, linear or base-10 logarithmic, mapped onto a pixel interval, with
 * "nice" tick positions (1-2-5 steps on a linear axis, decades on a log axis) and their labels.
 * Package-private: {@link LineChart} is the public face.
 */
final class Axis {
  /** A tick: data value, its label (empty for a minor tick). */
  record Tick(double value, String label) {
    boolean major() {
      return !label.isEmpty();
    }
  }

  private final double lo;
  private final double hi;
  private final boolean log;

  /**
   * @param lo lower end of the visible range (data units, {@code > 0} when {@code log})
   * @param hi upper end, {@code > lo}
   */
  Axis(double lo, double hi, boolean log) {
    if (!(hi > lo) || (log && !(lo > 0))) {
      throw new IllegalArgumentException("bad axis range [" + lo + ", " + hi + "] log=" + log);
    }
    this.lo = lo;
    this.hi = hi;
    this.log = log;
  }

  /**
   * Range that shows finite data from {@code min} to {@code max} with a margin of {@code pad} of
   * the span on each side; a degenerate range (one value) is widened so the value sits mid-axis.
   */
  static Axis fit(double min, double max, boolean log, double pad) {
    if (log) {
      double a = Math.log10(min);
      double b = Math.log10(max);
      double m = b > a ? (b - a) * pad : 0.5; // one value: half a decade each side
      return new Axis(Math.pow(10, a - m), Math.pow(10, b + m), true);
    }
    double span = max - min;
    // a spread at rounding-noise level (a "constant" computed two ways) is a constant
    if (span <= 1e-9 * Math.max(Math.abs(min), Math.abs(max))) {
      span = 0;
      max = min;
    }
    double m = span > 0 ? span * pad : (min == 0 ? 1 : Math.abs(min) * 0.1);
    return new Axis(min - m, max + m, false);
  }

  double lo() {
    return lo;
  }

  double hi() {
    return hi;
  }

  /** Fraction in [0, 1] of the way from {@code lo} to {@code hi} ({@code log10} on a log axis). */
  double fraction(double v) {
    return log
        ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
        : (v - lo) / (hi - lo);
  }

  /**
   * Ticks inside the range, aiming at about {@code target} labelled ticks.
   *
   * @param minStep smallest allowed linear step (1 for integer epochs, 0 for none)
   */
  List<Tick> ticks(int target, double minStep) {
    if (log) {
      List<Tick> t = logTicks(target);
      if (t.stream().filter(Tick::major).count() >= 2) {
        return t;
      }
    }
    return linearTicks(target, minStep);
  }

  /** 1, 2 or 5 times a power of ten, the nearest such to {@code raw} on a log scale. */
  static double niceStep(double raw) {
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    // geometric midpoints between 1, 2, 5 and 10
    double m = f < Math.sqrt(2) ? 1 : f < Math.sqrt(10) ? 2 : f < Math.sqrt(50) ? 5 : 10;
    return m * mag;
  }

  private List<Tick> linearTicks(int target, double minStep) {
    double step = Math.max(niceStep((hi - lo) / Math.max(1, target)), minStep);
    List<Tick> out = new ArrayList<>();
    if (Math.max(Math.abs(lo), Math.abs(hi)) / step > 1e12) {
      return out; // beyond double's resolution for tick arithmetic: draw no ticks
    }
    for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
      double v = k * step;
      out.add(new Tick(v == 0 ? 0 : v, format(v, step)));
    }
    return out;
  }

  /**
   * Decades 10^k inside the range (every n-th decade when there are too many), with unlabelled
   * minor ticks at 2..9 x 10^k when few decades are shown; within less than about a decade the
   * mantissas 1, 2 and 5 are labelled too.
   */
  private List<Tick> logTicks(int target) {
    int k0 = (int) Math.floor(Math.log10(lo));
    int k1 = (int) Math.ceil(Math.log10(hi));
    int decades = k1 - k0;
    int every = Math.max(1, (int) Math.ceil(decades / (double) Math.max(1, target)));
    boolean fine = Math.log10(hi / lo) < 1.3;
    // one label style per axis: plain decimals only if every label is short that way
    boolean plain = k0 >= -3 && k1 <= 5;
    List<Tick> out = new ArrayList<>();
    for (int k = k0; k <= k1; k++) {
      for (int m = 1; m <= 9; m++) {
        double v = m * Math.pow(10, k);
        if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) {
          continue;
        }
        boolean major = m == 1 ? Math.floorMod(k, every) == 0 : fine && (m == 2 || m == 5);
        if (major) {
          out.add(new Tick(v, formatLog(m, k, plain)));
        } else if (decades <= 6) {
          out.add(new Tick(v, ""));
        }
      }
    }
    return out;
  }

  /** Label of {@code v} on a linear axis with the given step: as many decimals as the step has. */
  static String format(double v, double step) {
    double a = Math.max(Math.abs(v), step);
    if (a >= 1e6 || step < 1e-4) {
      return scientific(v, step);
    }
    int decimals = Math.max(0, -(int) Math.floor(Math.log10(step) + 1e-9));
    return new BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
  }

  private static String scientific(double v, double step) {
    if (v == 0) {
      return "0";
    }
    int e = (int) Math.floor(Math.log10(Math.abs(v)) + 1e-9);
    int digits = Math.max(0, e - (int) Math.floor(Math.log10(step) + 1e-9));
    String mant = String.format(Locale.ROOT, "%." + digits + "f", v / Math.pow(10, e));
    return mant + "e" + e;
  }

  /** {@code m x 10^k} as plain decimals ({@code "0.005"}) or as {@code "5e-3"}. */
  static String formatLog(int m, int k, boolean plain) {
    if (plain) {
      return BigDecimal.valueOf(m).scaleByPowerOfTen(k).stripTrailingZeros().toPlainString();
    }
    return m + "e" + k;
  }
}
