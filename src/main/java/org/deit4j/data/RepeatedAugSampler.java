package org.deit4j.data;

/**
 * Repeated augmentation (Hoffer et al. 2020; DeiT paper section 6, "Repeated augmentation"): each
 * image appears {@code repeats} times in an epoch — under different random augmentations — and the
 * epoch is cut back to about one pass over the data. Semantics of deit's {@code
 * samplers.RASampler}:
 *
 * <ol>
 *   <li>{@code perm = torch.randperm(len, generator=manual_seed(seed + epoch))} (deit seeds with
 *       {@code epoch} alone, i.e. {@code seed = 0});
 *   <li>each index repeated {@code repeats} times in a row ({@code repeat_interleave});
 *   <li>padded with its own head to {@code numSamples * replicas}, where {@code numSamples =
 *       ceil(len * repeats / replicas)};
 *   <li>replica {@code rank} takes positions {@code rank, rank + replicas, ...};
 *   <li>only the first {@code floor(len // 256 * 256 / replicas)} are kept.
 * </ol>
 *
 * <p>So with one replica only 512 of 600 indices are used and the tail is dropped; the three copies
 * of an image go to different ranks when {@code replicas >= 3}. A dataset shorter than 256 selects
 * nothing in deit; here that is rejected.
 */
public final class RepeatedAugSampler implements Sampler {
  /** deit's {@code num_repeats} default. */
  public static final int DEFAULT_REPEATS = 3;

  private final int size;
  private final long seed;
  private final int replicas;
  private final int rank;
  private final int repeats;
  private final int numSamples;
  private final int numSelected;

  /** deit's sampler: seed 0 (generator seeded with the epoch), 3 repeats. */
  public RepeatedAugSampler(int size, int replicas, int rank) {
    this(size, 0L, replicas, rank, DEFAULT_REPEATS);
  }

  /**
   * @param size dataset length, {@code >= 256 * replicas / ...} so at least one index is selected
   * @param seed added to the epoch to seed the generator (0 reproduces deit)
   * @param replicas number of processes
   * @param rank this process
   * @param repeats copies of each image per epoch, {@code >= 1}
   */
  public RepeatedAugSampler(int size, long seed, int replicas, int rank, int repeats) {
    RandomSampler.checkReplicas(replicas, rank);
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }
    if (size <= 0) {
      throw new IllegalArgumentException("dataset size must be > 0, got " + size);
    }
    this.size = size;
    this.seed = seed;
    this.replicas = replicas;
    this.rank = rank;
    this.repeats = repeats;
    this.numSamples = (int) Math.ceil((double) size * repeats / replicas);
    // floor(len // 256 * 256 / replicas): deit keeps a multiple of 256 images per epoch.
    this.numSelected = (int) Math.floor((double) (size / 256 * 256) / replicas);
    if (numSelected == 0) {
      throw new IllegalArgumentException(
          "RepeatedAugSampler selects floor(len // 256 * 256 / replicas) = 0 indices for len "
              + size
              + " and "
              + replicas
              + " replicas; use RandomSampler for datasets this small");
    }
  }

  @Override
  public int length() {
    return numSelected;
  }

  /** Indices per replica before the cut to {@link #length()} ({@code num_samples} in deit). */
  public int numSamples() {
    return numSamples;
  }

  @Override
  public int[] indices(int epoch) {
    int[] perm = TorchRandom.randperm(size, seed + epoch);
    int repeated = size * repeats;
    int[] out = new int[numSelected];
    for (int i = 0; i < numSelected; i++) {
      // Position in the padded, repeat-interleaved list; padding re-reads the head.
      int p = rank + i * replicas;
      int q = p < repeated ? p : p - repeated;
      out[i] = perm[q / repeats];
    }
    return out;
  }

  @Override
  public String toString() {
    return "RepeatedAugSampler[size="
        + size
        + ", seed="
        + seed
        + ", replicas="
        + replicas
        + ", rank="
        + rank
        + ", repeats="
        + repeats
        + "]";
  }
}
