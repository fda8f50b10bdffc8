package org.deit4j.train.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code metrics.jsonl}: what the trainer measured in one epoch. Every field is
 * nullable (not measured that epoch, e.g. no evaluation); a value may also be {@code NaN} (a
 * diverged loss). Keys this record does not know are kept in {@link #extras}, so a newer trainer's
 * log survives a read/append round trip.
 *
 * <p>Build a row key by key: {@code EpochMetrics.of(3).with(LR, 5e-4).with(TRAIN_LOSS, 2.31)}.
 *
 * @param epoch 0-based epoch index
 * @param lr learning rate the epoch trained at
 * @param trainLoss mean training loss over the epoch
 * @param testTop1 top-1 accuracy in percent on the evaluation set (for a distilled student: the
 *     fused prediction, deit's mean of the class and distillation heads)
 * @param testTop5 top-5 accuracy in percent
 * @param testTop1Cls top-1 of the class-token head alone (distilled students only)
 * @param testTop1Dist top-1 of the distillation-token head alone (distilled students only)
 * @param testLoss evaluation cross-entropy
 * @param epochSeconds wall time of the epoch
 * @param imagesPerS training throughput
 * @param peakRssMb peak resident set size of the process so far, in MiB
 * @param extras any other keys, in file order (values as Jackson maps JSON: Double, Integer,
 *     String, Boolean, List, Map or null); never null
 */
public record EpochMetrics(
    Integer epoch,
    Double lr,
    Double trainLoss,
    Double testTop1,
    Double testTop5,
    Double testTop1Cls,
    Double testTop1Dist,
    Double testLoss,
    Double epochSeconds,
    Double imagesPerS,
    Double peakRssMb,
    Map<String, Object> extras) {

  /** JSON key of {@link #epoch}. */
  public static final String EPOCH = "epoch";

  /** JSON key of {@link #lr}. */
  public static final String LR = "lr";

  /** JSON key of {@link #trainLoss}. */
  public static final String TRAIN_LOSS = "train_loss";

  /** JSON key of {@link #testTop1}. */
  public static final String TEST_TOP1 = "test_top1";

  /** JSON key of {@link #testTop5}. */
  public static final String TEST_TOP5 = "test_top5";

  /** JSON key of {@link #testTop1Cls}. */
  public static final String TEST_TOP1_CLS = "test_top1_cls";

  /** JSON key of {@link #testTop1Dist}. */
  public static final String TEST_TOP1_DIST = "test_top1_dist";

  /** JSON key of {@link #testLoss}. */
  public static final String TEST_LOSS = "test_loss";

  /** JSON key of {@link #epochSeconds}. */
  public static final String EPOCH_SECONDS = "epoch_seconds";

  /** JSON key of {@link #imagesPerS}. */
  public static final String IMAGES_PER_S = "images_per_s";

  /** JSON key of {@link #peakRssMb}. */
  public static final String PEAK_RSS_MB = "peak_rss_mb";

  /** The known numeric keys after {@code epoch}, in the order they are written. */
  public static final List<String> NUMERIC_KEYS =
      List.of(
          LR,
          TRAIN_LOSS,
          TEST_TOP1,
          TEST_TOP5,
          TEST_TOP1_CLS,
          TEST_TOP1_DIST,
          TEST_LOSS,
          EPOCH_SECONDS,
          IMAGES_PER_S,
          PEAK_RSS_MB);

  public EpochMetrics {
    if (epoch != null && epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras == null ? Map.of() : extras));
    for (String k : extras.keySet()) {
      if (k.equals(EPOCH) || NUMERIC_KEYS.contains(k)) {
        throw new IllegalArgumentException("'" + k + "' is a field, not an extra");
      }
    }
  }

  /** A row with only the epoch set. */
  public static EpochMetrics of(int epoch) {
    return fromMap(Map.of(EPOCH, epoch));
  }

  /**
   * Builds a row from a key-value map (a parsed JSON object): known keys must hold numbers (or
   * null; {@code "NaN"}/{@code "Infinity"} strings are read as doubles), all others go to {@link
   * #extras}.
   *
   * @throws IllegalArgumentException if a known key holds something else, or the epoch is not a
   *     non-negative whole number
   */
  public static EpochMetrics fromMap(Map<String, ?> m) {
    Double[] v = new Double[NUMERIC_KEYS.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = number(NUMERIC_KEYS.get(i), m.get(NUMERIC_KEYS.get(i)));
    }
    Double e = number(EPOCH, m.get(EPOCH));
    if (e != null && (e != Math.rint(e) || e > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("epoch must be a whole number, got " + e);
    }
    Map<String, Object> extras = new LinkedHashMap<>();
    m.forEach(
        (k, val) -> {
          if (!k.equals(EPOCH) && !NUMERIC_KEYS.contains(k)) {
            extras.put(k, val);
          }
        });
    return new EpochMetrics(
        e == null ? null : e.intValue(),
        v[0],
        v[1],
        v[2],
        v[3],
        v[4],
        v[5],
        v[6],
        v[7],
        v[8],
        v[9],
        extras);
  }

  /**
   * This row as an ordered map: {@code epoch}, the known keys, then the extras; null fields are
   * left out.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (epoch != null) {
      m.put(EPOCH, epoch);
    }
    Double[] v = values();
    for (int i = 0; i < v.length; i++) {
      if (v[i] != null) {
        m.put(NUMERIC_KEYS.get(i), v[i]);
      }
    }
    m.putAll(extras);
    return m;
  }

  /** A copy with {@code key} set to {@code value} (null removes it); unknown keys are extras. */
  public EpochMetrics with(String key, Object value) {
    Map<String, Object> m = toMap();
    if (value == null) {
      m.remove(key);
    } else {
      m.put(key, value);
    }
    return fromMap(m);
  }

  /**
   * The value of a known numeric key or a numeric extra as a double; {@code NaN} when missing, null
   * or not a number. {@code "epoch"} gives the epoch.
   */
  public double value(String key) {
    if (key.equals(EPOCH)) {
      return epoch == null ? Double.NaN : epoch;
    }
    int i = NUMERIC_KEYS.indexOf(key);
    Object o = i >= 0 ? values()[i] : extras.get(key);
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private Double[] values() {
    return new Double[] {
      lr,
      trainLoss,
      testTop1,
      testTop5,
      testTop1Cls,
      testTop1Dist,
      testLoss,
      epochSeconds,
      imagesPerS,
      peakRssMb
    };
  }

  private static final List<String> NON_FINITE = List.of("NaN", "Infinity", "-Infinity");

  private static Double number(String key, Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    if (o instanceof String s && NON_FINITE.contains(s)) {
      return Double.parseDouble(s); // Jackson's and Python's spelling of non-finite doubles
    }
    throw new IllegalArgumentException("'" + key + "' must be a number, got " + o);
  }
}
