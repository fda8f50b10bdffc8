package org.deit4j.data;

/**
 * What to do with images that fail to decode ({@link DecodeException}).
 *
 * <p>A failed sample is skipped and replaced by the next dataset index ({@code (i + 1) % size},
 * then {@code i + 2}, ...), decoded with the same per-sample random stream, as timm's {@code
 * ImageDataset.__getitem__} does. Because the replacement depends only on the index and the data,
 * batches stay independent of the number of loader threads. Every failure is logged once with its
 * path and counted. Loading aborts with an error when {@code maxConsecutive} replacements in a row
 * fail for one sample (timm's {@code _consecutive_errors} limit, 20), or when more than {@code
 * maxFailureRatio} of at least {@code minAttemptsForRatio} decode attempts failed (a broken mount,
 * a wrong folder).
 *
 * @param maxConsecutive abort when this many images in a row fail for one sample; {@code >= 1}
 * @param maxFailureRatio abort above this fraction of failed attempts, in {@code [0, 1]}
 * @param minAttemptsForRatio the ratio rule applies only after this many attempts
 */
public record DecodePolicy(int maxConsecutive, double maxFailureRatio, int minAttemptsForRatio) {
  /** timm's 20 consecutive errors; abort if more than half of at least 100 attempts fail. */
  public static final DecodePolicy DEFAULT = new DecodePolicy(20, 0.5, 100);

  /** Fail on the first undecodable image. */
  public static final DecodePolicy STRICT = new DecodePolicy(1, 0.0, 1);

  public DecodePolicy {
    if (maxConsecutive < 1) {
      throw new IllegalArgumentException("maxConsecutive must be >= 1, got " + maxConsecutive);
    }
    if (!(maxFailureRatio >= 0 && maxFailureRatio <= 1)) {
      throw new IllegalArgumentException(
          "maxFailureRatio must be in [0, 1], got " + maxFailureRatio);
    }
    if (minAttemptsForRatio < 1) {
      throw new IllegalArgumentException(
          "minAttemptsForRatio must be >= 1, got " + minAttemptsForRatio);
    }
  }
}
