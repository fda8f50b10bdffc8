package org.deit4j.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.NamedTensors;

/**
 * deit's optimizer set-up (timm {@code create_optimizer} with {@code --opt adamw}, {@code
 * --weight-decay 0.05}) and gradient clipping.
 */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
public final class Optimizers {
  /** timm {@code VisionTransformer.no_weight_decay()}: exact parameter names exempt from decay. */
  public static final Set<String> VIT_NO_WEIGHT_DECAY =
      Set.of("pos_embed", "cls_token", "dist_token");

  /** deit {@code --weight-decay}. */
  public static final double DEIT_WEIGHT_DECAY = 0.05;

  /** torch AdamW default betas (deit leaves {@code --opt-betas} unset). */
  public static final double BETA1 = 0.9;

  /** Second AdamW beta. */
  public static final double BETA2 = 0.999;

  /** deit {@code --opt-eps}. */
  public static final double DEIT_EPS = 1e-8;

  private Optimizers() {}

  /**
   * timm {@code param_groups_weight_decay}: parameters with {@code ndim <= 1}, names ending in
   * {@code .bias}, or names in {@code noWeightDecay} go to a group with decay 0 (first), all others
   * to a group with {@code weightDecay} (second). Parameters not requiring grad are left out. With
   * {@code weightDecay == 0} timm skips the split: one group holding everything.
   *
   * @param named parameters by name (e.g. {@link NamedTensors#parameters})
   * @param weightDecay decay of the second group
   * @param noWeightDecay exact names exempt from decay (e.g. {@link #VIT_NO_WEIGHT_DECAY})
   */
  public static List<ParamGroup> weightDecayGroups(
      Map<String, Tensor> named, double weightDecay, Set<String> noWeightDecay) {
    Map<String, Tensor> decay = new LinkedHashMap<>();
    Map<String, Tensor> noDecay = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : named.entrySet()) {
      Tensor p = e.getValue();
      if (!p.requires_grad()) {
        continue;
      }
      String name = e.getKey();
      boolean exempt = p.dim() <= 1 || name.endsWith(".bias") || noWeightDecay.contains(name);
      (exempt ? noDecay : decay).put(name, p);
    }
    if (weightDecay == 0) {
      Map<String, Tensor> all = new LinkedHashMap<>(noDecay);
      all.putAll(decay);
      return List.of(new ParamGroup(all, 0.0));
    }
    return List.of(new ParamGroup(noDecay, 0.0), new ParamGroup(decay, weightDecay));
  }

  /** {@link #weightDecayGroups(Map, double, Set)} over a module's named parameters. */
  public static List<ParamGroup> weightDecayGroups(
      Module model, double weightDecay, Set<String> noWeightDecay) {
    return weightDecayGroups(NamedTensors.parameters(model), weightDecay, noWeightDecay);
  }

  /**
   * deit's optimizer for a ViT: AdamW, betas (0.9, 0.999), eps 1e-8, decay groups with {@link
   * #VIT_NO_WEIGHT_DECAY}.
   *
   * @param lr initial lr (the scheduler overwrites it each epoch)
   * @param weightDecay deit {@code --weight-decay} (0.05)
   */
  public static AdamW deitAdamW(Module model, double lr, double weightDecay) {
    try (PointerScope scope = new PointerScope()) {
      // AdamW retains the parameter handles it keeps; the scope frees the rest.
      return new AdamW(
          weightDecayGroups(model, weightDecay, VIT_NO_WEIGHT_DECAY), lr, BETA1, BETA2, DEIT_EPS);
    }
  }

  /**
   * The total gradient 2-norm that {@link #clipGradNorm} clips by (the 2-norm of the per-parameter
   * gradient 2-norms), gradients left unchanged: the trainer checks it is finite every step, so a
   * NaN or Inf gradient stops the run before the optimizer spreads it into the weights.
   *
   * @return the norm (0 when no parameter has a gradient)
   */
  public static double gradNorm(Collection<Tensor> params) {
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      List<Tensor> grads = grads(params);
      return grads.isEmpty() ? 0.0 : totalNorm(grads).item_double();
    }
  }

  /**
   * torch {@code clip_grad_norm_(params, maxNorm)} with the 2-norm: the total norm is the 2-norm of
   * the per-parameter gradient 2-norms; every gradient is multiplied by {@code min(1, maxNorm /
   * (total + 1e-6))}. Parameters without gradient are ignored.
   *
   * @return the total gradient norm before clipping (0 when no parameter has a gradient)
   */
  public static double clipGradNorm(Collection<Tensor> params, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
    }
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      List<Tensor> grads = grads(params);
      if (grads.isEmpty()) {
        return 0.0;
      }
      Tensor total = totalNorm(grads); // 0-dim
      Tensor coef = total.add(new Scalar(1e-6)).reciprocal().mul(new Scalar(maxNorm));
      Tensor clamped = torch.clamp(coef, new ScalarOptional(), new ScalarOptional(new Scalar(1.0)));
      for (Tensor g : grads) {
        g.mul_(clamped);
      }
      return total.item_double();
    }
  }

  private static List<Tensor> grads(Collection<Tensor> params) {
    List<Tensor> grads = new ArrayList<>();
    for (Tensor p : params) {
      Tensor g = p.grad();
      if (g.defined()) {
        grads.add(g);
      }
    }
    return grads;
  }

  /** 2-norm of the per-tensor 2-norms, as a 0-dim tensor. */
  private static Tensor totalNorm(List<Tensor> grads) {
    TensorVector norms = new TensorVector();
    for (Tensor g : grads) {
      norms.push_back(torch.norm(g, new Scalar(2.0)));
    }
    return torch.norm(torch.stack(norms), new Scalar(2.0));
  }
}
