package org.deit4j.bench;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;

/**
 * Wall-clock timing of a repeated step: untimed warm-up runs, then timed runs until both a minimum
 * count and a minimum duration are reached; the figure is the median (robust to the occasional run
 * that a busy machine or the garbage collector slows down). Every run gets its own {@link
 * PointerScope}, so its native tensors are freed before the next one starts.
 */
final class Timing {
  private Timing() {}

  /** Median and run count of the timed runs, in seconds. */
  record Result(double medianSeconds, int runs) {}

  @SuppressWarnings("try")
  static Result median(Runnable step, int warmup, int minRuns, double minSeconds) {
    if (minRuns < 1 || warmup < 0) {
      throw new IllegalArgumentException("need minRuns >= 1 and warmup >= 0");
    }
    for (int i = 0; i < warmup; i++) {
      try (PointerScope s = new PointerScope()) {
        step.run();
      }
    }
    double[] times = new double[Math.max(16, minRuns)];
    int n = 0;
    long start = System.nanoTime();
    while (n < minRuns || (System.nanoTime() - start) / 1e9 < minSeconds) {
      long t0 = System.nanoTime();
      try (PointerScope s = new PointerScope()) {
        step.run();
      }
      if (n == times.length) {
        times = Arrays.copyOf(times, 2 * n);
      }
      times[n++] = (System.nanoTime() - t0) / 1e9;
    }
    double[] sorted = Arrays.copyOf(times, n);
    Arrays.sort(sorted);
    double med = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Result(med, n);
  }
}
