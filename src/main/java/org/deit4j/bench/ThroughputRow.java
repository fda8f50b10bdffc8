package org.deit4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deit4j.engine.Precision;

/**
 * One line of {@code deit bench infer|train}: throughput of one model, batch size and precision.
 * Its {@link #toJson()} keys are shared with the peer harness ({@code bench/peers/}), which prints
 * the same keys for ONNX Runtime and PyTorch.
 *
 * @param mode {@code infer} or {@code train}
 * @param model timm preset name of the model (the student in training)
 * @param teacher teacher preset in a training step, else null
 * @param batch images per batch
 * @param dtype precision
 * @param threads libtorch intra-op threads
 * @param msPerBatch median wall time of one batch (forward, or the whole training step)
 * @param gflopsPerImage model FLOPs per image (2 × MACs); forward for infer, 3 × forward (forward
 *     and backward) of the student for train
 * @param studentMsPerBatch the part of {@code msPerBatch} that is the student's (the step minus the
 *     teacher's median forward time); equals {@code msPerBatch} without teacher
 * @param peakGflops measured GEMM peak at the same precision and threads ({@link GemmPeak})
 * @param peakRssMb peak resident memory of the process while measuring this row (MiB)
 * @param runs timed runs behind the median
 */
public record ThroughputRow(
    String mode,
    String model,
    String teacher,
    int batch,
    Precision dtype,
    int threads,
    double msPerBatch,
    double gflopsPerImage,
    double studentMsPerBatch,
    double peakGflops,
    double peakRssMb,
    int runs) {

  /** Images per second over the whole batch time. */
  public double imagesPerSecond() {
    return batch * 1000.0 / msPerBatch;
  }

  /** GFLOP/s the model's own FLOPs achieve (over the student's share of the time in training). */
  public double achievedGflops() {
    return gflopsPerImage * batch * 1000.0 / studentMsPerBatch;
  }

  /** Model-FLOP utilisation: achieved GFLOP/s over the measured GEMM peak. */
  public double mfu() {
    return achievedGflops() / peakGflops;
  }

  /** The JSON object of one {@code --json} line (key order fixed). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("engine", "deit4j");
    m.put("mode", mode);
    m.put("model", model);
    if (teacher != null) {
      m.put("teacher", teacher);
    }
    m.put("batch", batch);
    m.put("dtype", dtype.flag());
    m.put("threads", threads);
    m.put("images_per_s", round(imagesPerSecond(), 2));
    m.put("ms_per_batch", round(msPerBatch, 2));
    m.put("gflops_per_image", round(gflopsPerImage, 4));
    m.put("achieved_gflops", round(achievedGflops(), 1));
    m.put("peak_gflops", round(peakGflops, 1));
    m.put("mfu", round(mfu(), 3));
    if (teacher != null) {
      m.put("student_ms_per_batch", round(studentMsPerBatch, 2));
    }
    m.put("peak_rss_mb", round(peakRssMb, 0));
    m.put("runs", runs);
    return m;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
