package org.deit4j.train;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.engine.Tensors;

/**
 * The classification losses of the DeiT recipe, with timm's semantics ({@code timm/loss/}) and deit
 * {@code main.py}'s choice among them ({@link #forDeit}).
 *
 * <p>All losses reduce with {@code mean} over the batch. Targets are validated (dtype and shape) so
 * a mix-up of int labels and soft targets fails loudly instead of broadcasting.
 */
public final class Losses {
  /** libtorch {@code at::Reduction::Mean}. */
  static final long REDUCTION_MEAN = 1;

  /** libtorch {@code at::Reduction::Sum}. */
  static final long REDUCTION_SUM = 2;

  /** torch's default {@code ignore_index}. */
  private static final long IGNORE_INDEX = -100;

  private Losses() {}

  /** torch {@code nn.CrossEntropyLoss()}: int64 targets (B), mean over the batch. */
  public static Criterion crossEntropy() {
    return crossEntropy(0.0);
  }

  /**
   * torch {@code nn.CrossEntropyLoss(label_smoothing=s)}: int64 targets (B). Equals {@link
   * #labelSmoothing(double)} up to rounding.
   */
  public static Criterion crossEntropy(double labelSmoothing) {
    checkSmoothing(labelSmoothing);
    return (x, y) -> {
      requireLabels(x, y);
      return torch.cross_entropy_loss(
          x, y, new TensorOptional(), REDUCTION_MEAN, IGNORE_INDEX, labelSmoothing);
    };
  }

  /**
   * timm {@code LabelSmoothingCrossEntropy(smoothing)}: int64 targets (B); per sample {@code (1-s)
   * * -logp[y] + s * mean_k(-logp[k])}, then the batch mean. deit's criterion without Mixup.
   */
  public static Criterion labelSmoothing(double smoothing) {
    checkSmoothing(smoothing);
    return (x, y) -> labelSmoothingPerSample(x, y, smoothing).mean();
  }

  /** Per-sample values (B) of {@link #labelSmoothing(double)}, before the batch mean. */
  public static Tensor labelSmoothingPerSample(Tensor logits, Tensor labels, double smoothing) {
    requireLabels(logits, labels);
    Tensor logp = logits.log_softmax(-1); // (B, K)
    Tensor nll = logp.gather(-1, labels.unsqueeze(1)).squeeze(1).neg(); // (B)
    Tensor smooth = logp.mean(-1L).neg(); // (B)
    return nll.mul(new Scalar(1.0 - smoothing)).add(smooth.mul(new Scalar(smoothing)));
  }

  /**
   * timm {@code SoftTargetCrossEntropy}: float targets (B, K) such as Mixup/CutMix output; {@code
   * mean_b sum_k -t[b,k] * log_softmax(x)[b,k]}. deit's criterion whenever Mixup or CutMix is on.
   */
  public static Criterion softTarget() {
    return (x, t) -> softTargetPerSample(x, t).mean();
  }

  /** Per-sample values (B) of {@link #softTarget()}, before the batch mean. */
  public static Tensor softTargetPerSample(Tensor logits, Tensor targets) {
    requireSoftTargets(logits, targets);
    return targets.neg().mul(logits.log_softmax(-1)).sum(-1L); // (B)
  }

  /**
   * timm {@code BinaryCrossEntropy(smoothing, target_threshold)} (DeiT III's {@code --bce-loss}):
   * int64 targets become a one-hot with {@code off = s/K}, {@code on = 1 - s + s/K} (soft targets
   * are used as given: smoothing is assumed applied upstream, as in timm); with a threshold,
   * targets become {@code target > threshold} as 0/1; then {@code
   * binary_cross_entropy_with_logits}, mean over all B*K elements.
   *
   * @param smoothing label smoothing for int targets, in [0, 1)
   * @param targetThreshold binarisation threshold, or null for none
   */
  public static Criterion binaryCrossEntropy(double smoothing, Double targetThreshold) {
    if (!(smoothing >= 0 && smoothing < 1)) {
      throw new IllegalArgumentException("smoothing must be in [0, 1), got " + smoothing);
    }
    return (x, t) -> {
      Tensor target;
      if (t.dim() == 1) {
        requireLabels(x, t);
        target = smoothedOneHot(t, x.size(1), smoothing, x.scalar_type());
      } else {
        requireSoftTargets(x, t);
        target = t;
      }
      if (targetThreshold != null) {
        target = target.gt(new Scalar(targetThreshold.doubleValue())).to(target.scalar_type());
      }
      return torch.binary_cross_entropy_with_logits(
          x, target, new TensorOptional(), new TensorOptional(), REDUCTION_MEAN);
    };
  }

  /**
   * Smoothed one-hot targets (B, K) in float32: timm {@code mixup_target(y, K, lam=1, smoothing)},
   * i.e. {@code off = s/K}, {@code on = 1 - s + s/K} computed in double and stored as float32.
   */
  public static Tensor smoothedOneHot(Tensor labels, long numClasses, double smoothing) {
    return smoothedOneHot(labels, numClasses, smoothing, ScalarType.Float);
  }

  private static Tensor smoothedOneHot(
      Tensor labels, long numClasses, double smoothing, ScalarType dtype) {
    checkSmoothing(smoothing);
    double off = smoothing / numClasses;
    double on = 1.0 - smoothing + off;
    Tensor idx = labels.to(ScalarType.Long).view(-1, 1); // (B, 1)
    Tensor t =
        torch.full(new long[] {idx.size(0), numClasses}, new Scalar(off), new TensorOptions(dtype));
    return t.scatter_(1, idx, new Scalar(on)); // (B, K)
  }

  /**
   * deit {@code main.py}'s base criterion: {@code --bce-loss} → BCE (on Mixup targets, or smoothed
   * one-hot without Mixup); else Mixup/CutMix active → soft-target CE; else smoothing > 0 → label
   * smoothing CE; else plain CE.
   */
  public static Criterion forDeit(boolean mixupActive, double smoothing, boolean bceLoss) {
    if (bceLoss) {
      // deit uses nn.BCEWithLogitsLoss on the (already smoothed) mixup targets; timm's BCE with
      // smoothing 0 on soft targets is exactly that, and also handles int labels without Mixup.
      return binaryCrossEntropy(mixupActive ? 0.0 : smoothing, null);
    }
    if (mixupActive) {
      return softTarget();
    }
    if (smoothing > 0) {
      return labelSmoothing(smoothing);
    }
    return crossEntropy();
  }

  /** The predicted class per row: {@code x.argmax(1)} (B) int64. */
  public static Tensor argmax(Tensor logits) {
    return logits.argmax(new LongOptional(1), false);
  }

  private static void checkSmoothing(double s) {
    if (!(s >= 0 && s < 1)) {
      throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + s);
    }
  }

  static void requireLabels(Tensor logits, Tensor labels) {
    if (logits.dim() != 2) {
      throw new IllegalArgumentException("logits must be (B, K), got " + Tensors.shapeOf(logits));
    }
    if (labels.dim() != 1
        || labels.size(0) != logits.size(0)
        || labels.scalar_type().intern() != ScalarType.Long) {
      throw new IllegalArgumentException(
          "targets must be int64 labels of shape ("
              + logits.size(0)
              + "), got "
              + labels.scalar_type()
              + " "
              + Tensors.shapeOf(labels));
    }
  }

  static void requireSoftTargets(Tensor logits, Tensor targets) {
    if (logits.dim() != 2
        || targets.dim() != 2
        || targets.size(0) != logits.size(0)
        || targets.size(1) != logits.size(1)
        || !targets.is_floating_point()) {
      throw new IllegalArgumentException(
          "soft targets must be float (B, K) matching logits "
              + Tensors.shapeOf(logits)
              + ", got "
              + targets.scalar_type()
              + " "
              + Tensors.shapeOf(targets));
    }
  }
}
