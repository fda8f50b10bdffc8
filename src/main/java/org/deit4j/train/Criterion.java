package org.deit4j.train;

import org.bytedeco.pytorch.Tensor;

/**
 * A training loss: {@code (logits, targets) -> scalar loss}, as timm's criterion modules are used.
 *
 * <p>{@code targets} is either int64 class indices of shape (B) or float soft targets of shape (B,
 * K) (Mixup/CutMix or smoothed one-hot); each implementation documents which it accepts.
 */
@FunctionalInterface
public interface Criterion {
  /**
   * Computes the loss.
   *
   * @param logits (B, K) unnormalised scores
   * @param targets (B) int64 labels or (B, K) float targets
   * @return a 0-dim loss tensor (reduction {@code mean} unless documented otherwise)
   */
  Tensor loss(Tensor logits, Tensor targets);
}
