package org.deit4j.train;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Divergence checks used by the training loop (deit {@code engine.py}: math.isfinite(loss)). */
public final class Guards {
  private Guards() {}

  /**
   * Throws {@link NonFiniteException} if any element of {@code t} is NaN or infinite (one host
   * sync, as deit's {@code loss.item()}).
   *
   * @param t the tensor to check (typically the scalar loss)
   * @param what name used in the error message
   * @return {@code t}, for chaining
   */
  public static Tensor requireFinite(Tensor t, String what) {
    if (t.numel() == 1) {
      requireFinite(t.item_double(), what);
    } else if (!torch.isfinite(t).all().item_bool()) {
      throw new NonFiniteException(what, Double.NaN);
    }
    return t;
  }

  /**
   * The value of a one-element tensor, checked finite: deit's {@code loss_value = loss.item()}
   * followed by its {@code math.isfinite} test.
   */
  public static double finiteItem(Tensor scalar, String what) {
    if (scalar.numel() != 1) {
      throw new IllegalArgumentException(what + " must have one element, has " + scalar.numel());
    }
    return requireFinite(scalar.item_double(), what);
  }

  /** Throws {@link NonFiniteException} if {@code v} is NaN or infinite; returns {@code v}. */
  public static double requireFinite(double v, String what) {
    if (!Double.isFinite(v)) {
      throw new NonFiniteException(what, v);
    }
    return v;
  }
}
