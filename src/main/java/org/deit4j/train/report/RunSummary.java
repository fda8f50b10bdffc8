package org.deit4j.train.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Headline figures of a run, computed from its metrics log: final and best value of a metric (with
 * the epoch), total training time, mean throughput and peak memory.
 *
 * @param timeline one row per epoch, in epoch order (see {@link #timeline(List)})
 */
public record RunSummary(List<EpochMetrics> timeline) {

  /**
   * A metric's value at an epoch.
   *
   * @param epoch 0-based epoch index
   * @param value the value (may be NaN for {@link #last})
   */
  public record Point(int epoch, double value) {}

  public RunSummary {
    timeline = List.copyOf(timeline);
    for (int i = 0; i < timeline.size(); i++) {
      Integer e = timeline.get(i).epoch();
      if (e == null || (i > 0 && e <= timeline.get(i - 1).epoch())) {
        throw new IllegalArgumentException("timeline must have strictly increasing epochs");
      }
    }
  }

  /** Summary of the rows of a log, as read (see {@link #timeline(List)}). */
  public static RunSummary of(List<EpochMetrics> rows) {
    return new RunSummary(timeline(rows));
  }

  /**
   * The log as one row per epoch, sorted by epoch. A resumed run logs again the epochs after its
   * checkpoint; the last record of an epoch wins, since it belongs to the run that went on. A row
   * without an epoch is taken as the epoch after the previous row's (the first: epoch 0).
   */
  public static List<EpochMetrics> timeline(List<EpochMetrics> rows) {
    TreeMap<Integer, EpochMetrics> byEpoch = new TreeMap<>();
    int next = 0;
    for (EpochMetrics r : rows) {
      int e = r.epoch() != null ? r.epoch() : next;
      byEpoch.put(e, r.epoch() != null ? r : r.with(EpochMetrics.EPOCH, e));
      next = e + 1;
    }
    return new ArrayList<>(byEpoch.values());
  }

  /** Epoch indices of the timeline, as doubles (a chart's x values). */
  public double[] epochs() {
    return timeline.stream().mapToDouble(r -> r.epoch()).toArray();
  }

  /** Values of {@code key} along the timeline, NaN where missing. */
  public double[] series(String key) {
    return timeline.stream().mapToDouble(r -> r.value(key)).toArray();
  }

  /** Whether some epoch has a finite value of {@code key}. */
  public boolean has(String key) {
    return timeline.stream().anyMatch(r -> Double.isFinite(r.value(key)));
  }

  /** The last logged value of {@code key} (NaN included: a diverged run ends on NaN). */
  public Optional<Point> last(String key) {
    for (int i = timeline.size() - 1; i >= 0; i--) {
      EpochMetrics r = timeline.get(i);
      if (r.toMap().get(key) != null) {
        return Optional.of(new Point(r.epoch(), r.value(key)));
      }
    }
    return Optional.empty();
  }

  /** The largest finite value of {@code key}, at its earliest epoch. */
  public Optional<Point> max(String key) {
    return extreme(key, 1);
  }

  /** The smallest finite value of {@code key}, at its earliest epoch. */
  public Optional<Point> min(String key) {
    return extreme(key, -1);
  }

  private Optional<Point> extreme(String key, int sign) {
    Point best = null;
    for (EpochMetrics r : timeline) {
      double v = r.value(key);
      if (Double.isFinite(v) && (best == null || sign * (v - best.value()) > 0)) {
        best = new Point(r.epoch(), v);
      }
    }
    return Optional.ofNullable(best);
  }

  /** Sum of {@code epoch_seconds} over the timeline; NaN when no epoch logged it. */
  public double totalSeconds() {
    return has(EpochMetrics.EPOCH_SECONDS)
        ? timeline.stream()
            .mapToDouble(r -> r.value(EpochMetrics.EPOCH_SECONDS))
            .filter(Double::isFinite)
            .sum()
        : Double.NaN;
  }

  /** Mean of the per-epoch {@code images_per_s} values; NaN when none. */
  public double meanImagesPerS() {
    return timeline.stream()
        .mapToDouble(r -> r.value(EpochMetrics.IMAGES_PER_S))
        .filter(Double::isFinite)
        .average()
        .orElse(Double.NaN);
  }

  /** Largest {@code peak_rss_mb}; NaN when none. */
  public double peakRssMb() {
    return max(EpochMetrics.PEAK_RSS_MB).map(Point::value).orElse(Double.NaN);
  }
}
