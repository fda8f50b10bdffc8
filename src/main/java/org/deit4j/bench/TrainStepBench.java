package org.deit4j.bench;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.distill.DistillationLoss;
import org.deit4j.distill.DistillationType;
import org.deit4j.distill.StudentOutputs;
import org.deit4j.engine.BlasThreads;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Precision;
import org.deit4j.engine.Tensors;
import org.deit4j.model.ModelStats;
import org.deit4j.model.VisionTransformer;
import org.deit4j.teacher.LogitsModel;
import org.deit4j.teacher.Teacher;
import org.deit4j.train.AdamW;
import org.deit4j.train.Classifier;
import org.deit4j.train.Losses;
import org.deit4j.train.Memory;
import org.deit4j.train.MixedPrecision;
import org.deit4j.train.Models;
import org.deit4j.train.Optimizers;

/**
 * One full DeiT training step ({@code deit bench train}), as {@code Trainer} runs it, on an
 * augmented batch already in memory: student forward (drop path 0.1) → teacher forward without
 * autograd (when a teacher is given) → soft-target cross-entropy on Mixup-style targets plus hard
 * distillation → backward → global gradient norm (the trainer's divergence check) → AdamW. The
 * teacher's forward is also timed alone, so the student's share of the step (and its MFU) can be
 * reported.
 */
public final class TrainStepBench {
  private final String studentName;
  private final String teacherName;
  private final Classifier student;
  private final LogitsModel teacher;
  private final AdamW optimizer;
  private final DistillationLoss loss;
  private final int imgSize;
  private final double gflopsPerImage;

  /**
   * Builds student (a ViT preset, 1000 classes) and optional teacher (a RegNetY preset with {@code
   * teacherArgs}, e.g. {@code stem_stride=1}), freshly initialised.
   */
  public TrainStepBench(String student, String teacher, Map<String, String> teacherArgs) {
    Engine.init();
    this.studentName = student;
    this.teacherName = teacher;
    this.student = Models.create(student, Map.of(), 1000, 0.1, 0);
    if (!(this.student.module() instanceof VisionTransformer vit)) {
      throw new IllegalArgumentException("the student must be a ViT/DeiT preset: " + student);
    }
    this.imgSize = vit.config().imgSize();
    this.gflopsPerImage = 3 * ModelStats.gflops(vit.config()); // forward + backward (2x forward)
    this.student.module().train(true);
    if (teacher != null) {
      Classifier t = Models.create(teacher, teacherArgs, 1000, 0, 0);
      this.teacher = Teacher.of(t.module(), images -> t.evalHeads(images).get("fused"));
    } else {
      this.teacher = null;
    }
    DistillationType type = teacher == null ? DistillationType.NONE : DistillationType.HARD;
    this.loss = new DistillationLoss(Losses.forDeit(true, 0.1, false), type, 0.5, 1.0);
    this.optimizer =
        Optimizers.deitAdamW(this.student.module(), 5e-4, Optimizers.DEIT_WEIGHT_DECAY);
  }

  /** Median step time at batch {@code batch} and precision {@code p}. */
  public ThroughputRow measure(
      int batch, Precision p, double peakGflops, int warmup, int minRuns, double minSeconds) {
    Memory.resetPeak();
    Tensor x = torch.randn(batch, 3, imgSize, imgSize); // (B, 3, H, W), the augmented batch
    // Mixup-style soft targets (B, 1000): label smoothing 0.1 over random classes
    float[] labels = new float[batch];
    java.util.Random r = new java.util.Random(batch);
    for (int i = 0; i < batch; i++) {
      labels[i] = r.nextInt(1000);
    }
    Tensor targets =
        Losses.smoothedOneHot(Tensors.floats(labels, batch).to(torch.ScalarType.Long), 1000, 0.1);
    Classifier s = MixedPrecision.classifier(student, p);
    LogitsModel t = MixedPrecision.teacher(teacher, p);
    Timing.Result step =
        Timing.median(
            () -> {
              StudentOutputs out = s.trainOutputs(x);
              DistillationLoss.Parts parts = loss.compute(x, out, targets, t);
              parts.total().item_double();
              optimizer.zeroGrad();
              BlasThreads.backward(parts.total());
              Optimizers.gradNorm(optimizer.parameters().values());
              optimizer.step();
            },
            warmup,
            minRuns,
            minSeconds);
    double stepMs = step.medianSeconds() * 1000;
    double studentMs = stepMs;
    if (t != null) {
      Timing.Result tf =
          Timing.median(() -> loss.compute(x, dummy(s, x), targets, t), 1, minRuns, 0);
      studentMs = Math.max(stepMs - tf.medianSeconds() * 1000, 1e-3);
    }
    double rss = Memory.peakRssMb();
    x.close();
    targets.close();
    return new ThroughputRow(
        "train",
        studentName,
        teacherName,
        batch,
        p,
        Engine.threads(),
        stepMs,
        gflopsPerImage,
        studentMs,
        peakGflops,
        rss,
        step.runs());
  }

  /** Student outputs that cost nothing, so timing {@code loss.compute} times the teacher. */
  private static StudentOutputs dummy(Classifier s, Tensor x) {
    long b = x.size(0);
    Tensor z = torch.zeros(b, 1000);
    return s.distilled() ? StudentOutputs.of(z, z) : StudentOutputs.of(z);
  }
}
