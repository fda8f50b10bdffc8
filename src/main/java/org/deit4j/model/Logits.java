package org.deit4j.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * What a classifier head returns. A plain ViT, or a distilled one in eval mode, gives {@link
 * Single}; a distilled DeiT in training gives {@link Distilled} so the distillation loss can treat
 * the two heads differently (paper section 4, "Distillation token").
 */
public sealed interface Logits permits Logits.Single, Logits.Distilled {

  /** The logits used for prediction: the single head, or the mean of both heads (late fusion). */
  Tensor fused();

  /** Logits of the class-token head. */
  Tensor cls();

  /** One head's logits (B, K). */
  record Single(Tensor logits) implements Logits {
    @Override
    public Tensor fused() {
      return logits;
    }

    @Override
    public Tensor cls() {
      return logits;
    }
  }

  /**
   * Both heads of a distilled DeiT.
   *
   * @param cls {@code head(x[:, 0])} (B, K), trained on the labels
   * @param dist {@code head_dist(x[:, 1])} (B, K), trained on the teacher
   */
  record Distilled(Tensor cls, Tensor dist) implements Logits {
    /** {@code (cls + dist) / 2}, what timm and deit return in eval mode. */
    @Override
    public Tensor fused() {
      return cls.add(dist).div(new Scalar(2.0));
    }
  }
}
