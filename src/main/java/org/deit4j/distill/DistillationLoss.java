package org.deit4j.distill;

import java.util.Objects;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Tensors;
import org.deit4j.teacher.LogitsModel;
import org.deit4j.train.Criterion;
import org.deit4j.train.Losses;

/**
 * DeiT's training objective: the base criterion on the class head plus a teacher term (deit {@code
 * losses.py} {@code DistillationLoss}; paper Section 5.2, equations 2 and 3).
 *
 * <pre>
 *   base  = criterion(cls, targets)
 *   soft:  kd = KL(log_softmax(dist/tau) || log_softmax(teacher/tau)) summed, * tau^2 / dist.numel()
 *   hard:  kd = CE(dist, teacher.argmax(1))            (no label smoothing)
 *   hard-cls: as hard, applied to the class head (student without distillation token)
 *   total = base * (1 - alpha) + kd * alpha;   none: total = base
 * </pre>
 *
 * <p>Note the soft term divides by {@code B*K} (numel), not by B, exactly as deit does; with {@code
 * tau = 1} this makes it K times smaller than a batch-mean KL.
 */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
public final class DistillationLoss {
  private final Criterion base;
  private final DistillationType type;
  private final double alpha;
  private final double tau;

  /**
   * The three terms of one evaluation, kept apart for logging.
   *
   * @param base base criterion on the class head (0-dim, with grad)
   * @param kd teacher term (0-dim, with grad), or null for {@link DistillationType#NONE}
   * @param total the loss to back-propagate
   */
  public record Parts(Tensor base, Tensor kd, Tensor total) {}

  /**
   * @param base criterion for the class head (e.g. {@link Losses#softTarget()} under Mixup)
   * @param type distillation type
   * @param alpha weight of the teacher term, in [0, 1] (deit {@code --distillation-alpha}, 0.5)
   * @param tau soft-distillation temperature, > 0 (deit {@code --distillation-tau}, 1.0)
   */
  public DistillationLoss(Criterion base, DistillationType type, double alpha, double tau) {
    this.base = Objects.requireNonNull(base, "base");
    this.type = Objects.requireNonNull(type, "type");
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("distillation alpha must be in [0, 1], got " + alpha);
    }
    if (!(tau > 0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("distillation tau must be > 0, got " + tau);
    }
    this.alpha = alpha;
    this.tau = tau;
  }

  /** The distillation type. */
  public DistillationType type() {
    return type;
  }

  /** The teacher-term weight alpha. */
  public double alpha() {
    return alpha;
  }

  /** The temperature tau. */
  public double tau() {
    return tau;
  }

  /**
   * Computes the loss, calling the teacher on {@code images} under a {@link NoGradGuard} when the
   * type needs it (as deit does inside {@code forward}). The teacher is not called for {@code
   * none}.
   *
   * @param images the batch fed to the student
   * @param out student outputs
   * @param targets targets for the base criterion
   * @param teacher the frozen teacher; may be null for {@code none}
   */
  public Parts compute(Tensor images, StudentOutputs out, Tensor targets, LogitsModel teacher) {
    if (!type.usesTeacher()) {
      return compute(out, targets, null);
    }
    Objects.requireNonNull(teacher, "teacher is required for distillation type " + type);
    Tensor teacherLogits;
    // NoGradGuard rather than InferenceMode: the teacher logits become an input of the KD term,
    // and inference tensors may not be saved for the student's backward pass.
    try (NoGradGuard g = new NoGradGuard()) {
      teacherLogits = teacher.logits(images).detach();
    }
    return compute(out, targets, teacherLogits);
  }

  /**
   * Computes the loss from teacher logits that the caller already has (no grad).
   *
   * @param out student outputs
   * @param targets targets for the base criterion (int labels or soft targets)
   * @param teacherLogits (B, K) teacher logits; ignored (may be null) for {@code none}
   */
  public Parts compute(StudentOutputs out, Tensor targets, Tensor teacherLogits) {
    Tensor baseLoss = base.loss(out.cls(), targets);
    if (!type.usesTeacher()) {
      return new Parts(baseLoss, null, baseLoss);
    }
    Objects.requireNonNull(teacherLogits, "teacher logits are required for type " + type);
    Tensor student;
    if (type == DistillationType.HARD_CLS) {
      if (out.hasDist()) {
        throw new IllegalArgumentException(
            "distillation type hard-cls is for students without a distillation token; "
                + "this student returns a distillation head (use hard)");
      }
      student = out.cls();
    } else {
      if (!out.hasDist()) {
        // deit raises the same ValueError: soft/hard need the distillation-token output.
        throw new IllegalArgumentException(
            "distillation type "
                + type
                + " needs a student with a distillation token returning (cls, dist) logits");
      }
      student = out.dist();
    }
    Tensor kd =
        type == DistillationType.SOFT
            ? soft(student, teacherLogits, tau)
            : hard(student, teacherLogits);
    Tensor total = baseLoss.mul(new Scalar(1.0 - alpha)).add(kd.mul(new Scalar(alpha)));
    return new Parts(baseLoss, kd, total);
  }

  /**
   * Soft distillation term: {@code kl_div(log_softmax(s/tau), log_softmax(t/tau), sum,
   * log_target=True) * tau^2 / s.numel()}.
   */
  public static Tensor soft(Tensor student, Tensor teacher, double tau) {
    requireSameShape(student, teacher);
    Tensor ls = student.div(new Scalar(tau)).log_softmax(1); // (B, K)
    Tensor lt = teacher.div(new Scalar(tau)).log_softmax(1); // (B, K)
    return torch
        .kl_div(ls, lt, 2 /* Reduction::Sum */, true)
        .mul(new Scalar(tau * tau))
        .div(new Scalar(student.numel()));
  }

  /** Hard distillation term: {@code cross_entropy(s, t.argmax(1))}, no label smoothing. */
  public static Tensor hard(Tensor student, Tensor teacher) {
    requireSameShape(student, teacher);
    return torch.cross_entropy_loss(
        student, Losses.argmax(teacher), new TensorOptional(), 1 /* Mean */, -100, 0.0);
  }

  private static void requireSameShape(Tensor s, Tensor t) {
    if (s.dim() != 2 || !java.util.Arrays.equals(s.shape(), t.shape())) {
      throw new IllegalArgumentException(
          "student "
              + Tensors.shapeOf(s)
              + " and teacher "
              + Tensors.shapeOf(t)
              + " logits must both be (B, K)");
    }
  }
}
