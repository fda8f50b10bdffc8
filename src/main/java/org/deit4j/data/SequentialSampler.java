package org.deit4j.data;

/**
 * Indices {@code 0..size-1} in order, split across replicas like {@link RandomSampler} without
 * shuffling (evaluation: torch's {@code SequentialSampler}, or deit's distributed eval sampler).
 */
public final class SequentialSampler implements Sampler {
  private final int size;
  private final int replicas;
  private final int rank;

  /** All indices in order (one process). */
  public SequentialSampler(int size) {
    this(size, 1, 0);
  }

  /**
   * Replica {@code rank} takes {@code rank, rank + replicas, ...} with no padding, so every image
   * is evaluated exactly once across replicas. Unlike {@code DistributedSampler} (which deit also
   * uses for evaluation, padding the last round with repeated images), the reduced top-1/top-5 of a
   * sharded evaluation therefore equal a one-process evaluation exactly, even when {@code size}
   * does not divide by the number of replicas.
   */
  public SequentialSampler(int size, int replicas, int rank) {
    if (size < 0) {
      throw new IllegalArgumentException("dataset size must be >= 0, got " + size);
    }
    RandomSampler.checkReplicas(replicas, rank);
    this.size = size;
    this.replicas = replicas;
    this.rank = rank;
  }

  @Override
  public int length() {
    return size <= rank ? 0 : (size - rank + replicas - 1) / replicas;
  }

  @Override
  public int[] indices(int epoch) {
    int[] out = new int[length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rank + i * replicas;
    }
    return out;
  }
}
