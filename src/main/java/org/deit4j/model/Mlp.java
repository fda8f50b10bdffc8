package org.deit4j.model;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Transformer MLP (timm {@code Mlp}): {@code fc1} → exact (erf) GELU → dropout → {@code fc2}. */
public final class Mlp extends Module {
  private final LinearImpl fc1;
  private final LinearImpl fc2;
  private final double drop;

  public Mlp(int dim, int hidden, double drop) {
    this.drop = drop;
    fc1 = register_module("fc1", new LinearImpl(dim, hidden));
    fc2 = register_module("fc2", new LinearImpl(hidden, dim));
  }

  LinearImpl fc1() {
    return fc1;
  }

  LinearImpl fc2() {
    return fc2;
  }

  /** (B, N, C) -> (B, N, C). */
  public Tensor forward(Tensor x) {
    boolean dropNow = drop > 0 && is_training();
    Tensor h = torch.gelu(fc1.forward(x)); // approximate='none': erf GELU as nn.GELU()
    if (dropNow) {
      h = torch.dropout(h, drop, true);
    }
    Tensor y = fc2.forward(h);
    return dropNow ? torch.dropout(y, drop, true) : y;
  }
}
