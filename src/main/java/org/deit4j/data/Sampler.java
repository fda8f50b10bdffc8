package org.deit4j.data;

/**
 * Chooses which dataset indices one process visits in an epoch, and in what order (torch's {@code
 * Sampler}; {@code set_epoch} is the {@code epoch} argument here, so a sampler is stateless and
 * thread-safe).
 */
public interface Sampler {
  /** Number of indices {@link #indices(int)} returns for any epoch ({@code len(sampler)}). */
  int length();

  /**
   * The indices for {@code epoch}, in visiting order. Each call returns a fresh array.
   *
   * @param epoch zero-based epoch; same epoch, same indices
   */
  int[] indices(int epoch);
}
