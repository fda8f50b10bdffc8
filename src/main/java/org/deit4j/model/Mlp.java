package org.deit4j.model;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.OneDnn;

/** Transformer MLP (timm {@code Mlp}): {@code fc1} → exact (erf) GELU → dropout → {@code fc2}. */
public final class Mlp extends Module {
  private final LinearImpl fc1;
  private final LinearImpl fc2;
  private final double drop;
  private final InferenceLinear fc1Fused;
  private final InferenceLinear fc2Fused;

  public Mlp(int dim, int hidden, double drop) {
    this.drop = drop;
    fc1 = register_module("fc1", new LinearImpl(dim, hidden));
    fc2 = register_module("fc2", new LinearImpl(hidden, dim));
    fc1Fused = new InferenceLinear(fc1);
    fc2Fused = new InferenceLinear(fc2);
  }

  LinearImpl fc1() {
    return fc1;
  }

  LinearImpl fc2() {
    return fc2;
  }

  /** (B, N, C) -> (B, N, C). */
  public Tensor forward(Tensor x) {
    boolean training = is_training();
    boolean dropNow = drop > 0 && training;
    // fc1 then erf GELU (nn.GELU(), approximate='none'); one oneDNN primitive at inference.
    Tensor h = fc1Fused.forward(x, OneDnn.Activation.GELU, training);
    if (dropNow) {
      h = torch.dropout(h, drop, true);
    }
    Tensor y = fc2Fused.forward(h, OneDnn.Activation.NONE, training);
    return dropNow ? torch.dropout(y, drop, true) : y;
  }
}
