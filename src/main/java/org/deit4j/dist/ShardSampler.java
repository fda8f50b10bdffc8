package org.deit4j.dist;

import org.deit4j.data.Sampler;

/**
 * The evaluation share of one worker: indices {@code rank, rank + replicas, ...} below {@code
 * size}, in order, without padding. Unlike {@code DistributedSampler} (which deit also uses for
 * evaluation, padding the last round with repeated images), every image is counted exactly once
 * over all workers, so the reduced top-1/top-5 equal a one-process evaluation exactly even when
 * {@code size} does not divide by the world size.
 */
public final class ShardSampler implements Sampler {
  private final int size;
  private final int replicas;
  private final int rank;

  /**
   * @param size dataset length, {@code >= 0}
   * @param replicas number of workers, {@code >= 1}
   * @param rank this worker, {@code 0 <= rank < replicas}
   */
  public ShardSampler(int size, int replicas, int rank) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    if (replicas < 1 || rank < 0 || rank >= replicas) {
      throw new IllegalArgumentException("need 0 <= rank < replicas, got " + rank + "/" + replicas);
    }
    this.size = size;
    this.replicas = replicas;
    this.rank = rank;
  }

  @Override
  public int length() {
    // ceil((size - rank) / replicas) for rank < size, else 0
    return rank >= size ? 0 : (size - rank + replicas - 1) / replicas;
  }

  @Override
  public int[] indices(int epoch) {
    int[] out = new int[length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rank + i * replicas;
    }
    return out;
  }

  @Override
  public String toString() {
    return "ShardSampler[size=" + size + ", replicas=" + replicas + ", rank=" + rank + "]";
  }
}
