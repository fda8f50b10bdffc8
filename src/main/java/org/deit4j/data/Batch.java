package org.deit4j.data;

import org.bytedeco.pytorch.Tensor;

/**
 * One batch from the {@link Loader}. The tensors are created on the consumer's thread, so a {@code
 * PointerScope} open around the training step owns (and frees) them; {@link #close()} frees them
 * explicitly otherwise.
 *
 * @param images float32 (B, C, H, W)
 * @param labels int64 (B)
 * @param indices dataset index that supplied each sample (differs from the sampler's index where an
 *     undecodable image was replaced)
 */
public record Batch(Tensor images, Tensor labels, int[] indices) implements AutoCloseable {
  /** Number of samples. */
  public int size() {
    return indices.length;
  }

  @Override
  public void close() {
    images.close();
    labels.close();
  }
}
