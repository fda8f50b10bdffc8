package org.deit4j.model;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Per-channel residual scaling (CaiT, used by DeiT-III): {@code x * gamma}, gamma initialised to a
 * small constant. Parameter name {@code gamma} (timm {@code ls1.gamma}; original deit checkpoints
 * say {@code gamma_1}, renamed on load).
 */
public final class LayerScale extends Module {
  private final Tensor gamma;

  public LayerScale(int dim, double initValues) {
    gamma =
        register_parameter(
            "gamma", torch.full(new long[] {dim}, new org.bytedeco.pytorch.Scalar(initValues)));
  }

  /** (..., C) -> (..., C). */
  public Tensor forward(Tensor x) {
    return x.mul(gamma);
  }
}
