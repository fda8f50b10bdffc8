package org.deit4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.deit4j.augment.Image;

/**
 * Applies a {@link DecodePolicy} to a dataset: decodes with skip-and-replace, remembers bad indices
 * (so each is tried and logged once per loader) and counts attempts and failures. Thread-safe;
 * shared by all workers of a loader.
 */
public final class DecodeFailures {
  private static final System.Logger LOG = System.getLogger(DecodeFailures.class.getName());

  /** A decoded sample and the dataset index that actually supplied it. */
  public record Decoded(int index, Image image) {}

  private final DecodePolicy policy;
  private final Map<Integer, String> bad = new ConcurrentHashMap<>();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  public DecodeFailures(DecodePolicy policy) {
    this.policy = policy;
  }

  /** The policy in force. */
  public DecodePolicy policy() {
    return policy;
  }

  /**
   * Decodes sample {@code index}, or the first decodable one after it (wrapping).
   *
   * @throws DataLoadException when the policy says to abort
   */
  public Decoded decode(Dataset ds, int index) {
    int n = ds.size();
    int i = index;
    for (int consecutive = 0; ; ) {
      if (!bad.containsKey(i)) {
        attempts.incrementAndGet();
        try {
          return new Decoded(i, ds.image(i));
        } catch (DecodeException e) {
          // Counted by whoever records the index first: two workers can reach the same bad index
          // at once (one replacing its own bad sample with the next), which counted it twice.
          if (bad.putIfAbsent(i, e.getMessage()) == null) {
            failures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "skipping undecodable image " + e.getMessage());
          }
          checkRatio();
        }
      }
      consecutive++;
      if (consecutive >= policy.maxConsecutive() || consecutive >= n) {
        throw new DataLoadException(
            consecutive
                + " consecutive images failed to decode, starting at "
                + ds.source(index)
                + " (last: "
                + bad.get(i)
                + ")",
            null);
      }
      i = (i + 1) % n;
    }
  }

  private void checkRatio() {
    long a = attempts.get();
    long f = failures.get();
    if (a >= policy.minAttemptsForRatio() && f > policy.maxFailureRatio() * a) {
      throw new DataLoadException(
          f
              + " of "
              + a
              + " images failed to decode (ratio above "
              + policy.maxFailureRatio()
              + "); first failures: "
              + failedSources(3),
          null);
    }
  }

  /** Decode attempts so far. */
  public long attempts() {
    return attempts.get();
  }

  /** Failed decode attempts so far (each bad index counts once). */
  public long failures() {
    return failures.get();
  }

  /** Up to {@code max} failure messages, ordered by dataset index. */
  public List<String> failedSources(int max) {
    List<Integer> keys = new ArrayList<>(bad.keySet());
    Collections.sort(keys);
    List<String> out = new ArrayList<>();
    for (int k : keys.subList(0, Math.min(max, keys.size()))) {
      out.add(bad.get(k));
    }
    return out;
  }
}
