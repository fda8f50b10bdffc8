package org.deit4j.distill;

import java.util.Objects;
import org.bytedeco.pytorch.Tensor;

/**
 * What a student returns in training: the class-token logits and, for DeiT-distilled models, the
 * distillation-token logits (deit's {@code (outputs, outputs_kd)} tuple).
 *
 * @param cls class-head logits (B, K)
 * @param dist distillation-head logits (B, K), or null for a student without a distillation token
 */
public record StudentOutputs(Tensor cls, Tensor dist) {
  public StudentOutputs {
    Objects.requireNonNull(cls, "cls");
  }

  /** A student with a single head. */
  public static StudentOutputs of(Tensor logits) {
    return new StudentOutputs(logits, null);
  }

  /** A student with class and distillation heads. */
  public static StudentOutputs of(Tensor cls, Tensor dist) {
    return new StudentOutputs(cls, Objects.requireNonNull(dist, "dist"));
  }

  /** True when the distillation head is present. */
  public boolean hasDist() {
    return dist != null;
  }
}
