package org.deit4j.distill;

import org.bytedeco.pytorch.Tensor;

/**
 * A frozen teacher network (DeiT uses a RegNetY-16GF convnet). {@link DistillationLoss} calls it
 * under a {@code NoGradGuard}, so implementations need not manage autograd themselves; they must be
 * in eval mode and must not update any state.
 */
@FunctionalInterface
public interface Teacher {
  /**
   * Teacher logits for a batch.
   *
   * @param images the same (B, 3, H, W) batch the student sees (after Mixup/CutMix)
   * @return (B, K) logits
   */
  Tensor logits(Tensor images);
}
