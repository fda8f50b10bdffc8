package org.deit4j.data;

/**
 * Shuffled indices, a fresh permutation each epoch: torch's {@code
 * DistributedSampler(shuffle=True)} (which with one replica is a seeded {@code RandomSampler}). The
 * permutation is {@code torch.randperm(size, generator=manual_seed(seed + epoch))}, drawn by
 * libtorch ({@link TorchRandom}), so a run here visits images in the same order as the PyTorch run
 * with the same seed.
 *
 * <p>With several replicas, the permutation is padded with its own head to a multiple of {@code
 * replicas} (or truncated when {@code dropLast}) and replica {@code rank} takes every {@code
 * replicas}-th index starting at {@code rank}, exactly as {@code DistributedSampler}.
 */
public final class RandomSampler implements Sampler {
  private final int size;
  private final long seed;
  private final int replicas;
  private final int rank;
  private final boolean dropLast;
  private final int numSamples;

  /** Single-process shuffling of {@code size} indices. */
  public RandomSampler(int size, long seed) {
    this(size, seed, 1, 0, false);
  }

  /**
   * @param size dataset length, {@code > 0}
   * @param seed base seed; epoch {@code e} uses generator seed {@code seed + e}
   * @param replicas number of processes sharing the epoch
   * @param rank this process, {@code 0 <= rank < replicas}
   * @param dropLast drop the tail that does not divide evenly instead of padding
   */
  public RandomSampler(int size, long seed, int replicas, int rank, boolean dropLast) {
    if (size <= 0) {
      throw new IllegalArgumentException("dataset size must be > 0, got " + size);
    }
    checkReplicas(replicas, rank);
    this.size = size;
    this.seed = seed;
    this.replicas = replicas;
    this.rank = rank;
    this.dropLast = dropLast;
    // DistributedSampler.__init__: ceil when padding, floor of the evenly divisible part otherwise.
    this.numSamples =
        dropLast && size % replicas != 0
            ? (int) Math.ceil((size - replicas) / (double) replicas)
            : (int) Math.ceil(size / (double) replicas);
    if (numSamples <= 0) {
      throw new IllegalArgumentException(
          "dataset of " + size + " leaves nothing per replica with " + replicas + " replicas");
    }
  }

  static void checkReplicas(int replicas, int rank) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
    }
    if (rank < 0 || rank >= replicas) {
      throw new IllegalArgumentException("rank must be in [0, " + replicas + "), got " + rank);
    }
  }

  @Override
  public int length() {
    return numSamples;
  }

  @Override
  public int[] indices(int epoch) {
    int[] perm = TorchRandom.randperm(size, seed + epoch);
    int total = numSamples * replicas;
    int[] out = new int[numSamples];
    // Padding repeats the permutation cyclically (DistributedSampler's `indices * ceil(...)`);
    // truncation just stops early. Either way position p of the padded list is perm[p % size].
    for (int i = 0; i < numSamples; i++) {
      int p = rank + i * replicas;
      assert p < total;
      out[i] = perm[p % size];
    }
    return out;
  }

  @Override
  public String toString() {
    return "RandomSampler[size="
        + size
        + ", seed="
        + seed
        + ", replicas="
        + replicas
        + ", rank="
        + rank
        + ", dropLast="
        + dropLast
        + "]";
  }
}
