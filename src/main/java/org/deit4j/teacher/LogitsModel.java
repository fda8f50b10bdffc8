package org.deit4j.teacher;

import org.bytedeco.pytorch.Tensor;

/** Anything that maps a batch of images (B, C, H, W) to class logits (B, K). */
@FunctionalInterface
public interface LogitsModel {
  /** Class logits (B, K) for images (B, C, H, W). */
  Tensor logits(Tensor images);
}
