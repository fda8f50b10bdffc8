package org.deit4j.train;

import java.util.Collection;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Test seam: damages one training step on purpose — a non-finite loss, or one non-finite element in
 * one gradient — to prove that the divergence guards stop the run in the very step the damage
 * appears, before the optimizer or a checkpoint can carry it on. Disarmed, it costs one volatile
 * read per step. Package-private: only tests of this package arm it, and they disarm it after.
 */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
final class StepFaults {
  /** Where the damage goes. */
  enum Target {
    /** The scalar loss, before its finiteness check. */
    LOSS,
    /** The middle element of the first parameter's gradient, after backward. */
    GRADIENT
  }

  /**
   * One planned fault.
   *
   * @param target loss or gradient
   * @param epoch 0-based epoch of the damaged step
   * @param step 0-based step within that epoch
   * @param value what to inject: NaN, +Inf or -Inf
   */
  record Fault(Target target, int epoch, int step, double value) {
    Fault {
      if (Double.isFinite(value)) {
        throw new IllegalArgumentException("a fault injects NaN or Inf, not " + value);
      }
    }

    private boolean hits(Target t, int e, int s) {
      return target == t && epoch == e && step == s;
    }
  }

  private static volatile Fault armed;

  private StepFaults() {}

  /** Arms {@code fault} for every following run until {@link #disarm}. */
  static void arm(Fault fault) {
    armed = fault;
  }

  /** Removes any armed fault. */
  static void disarm() {
    armed = null;
  }

  /** {@code loss}, or {@code loss + value} when a loss fault is armed for this step. */
  static Tensor loss(Tensor loss, int epoch, int step) {
    Fault f = armed;
    if (f == null || !f.hits(Target.LOSS, epoch, step)) {
      return loss;
    }
    return loss.add(new Scalar(f.value()));
  }

  /** Writes the armed value into one gradient element when a gradient fault is armed here. */
  static void gradients(Collection<Tensor> params, int epoch, int step) {
    Fault f = armed;
    if (f == null || !f.hits(Target.GRADIENT, epoch, step)) {
      return;
    }
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      for (Tensor p : params) {
        Tensor g = p.grad();
        if (g.defined() && g.numel() > 0) {
          g.view(-1).select(0, g.numel() / 2).fill_(new Scalar(f.value())); // (numel,) view
          return;
        }
      }
    }
    throw new IllegalStateException("no gradient to damage at epoch " + epoch + " step " + step);
  }
}
