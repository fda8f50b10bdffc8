package org.deit4j.bench;

import java.util.Map;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Precision;
import org.deit4j.model.ModelStats;
import org.deit4j.model.VisionTransformer;
import org.deit4j.model.VitConfig;
import org.deit4j.train.Classifier;
import org.deit4j.train.Memory;
import org.deit4j.train.MixedPrecision;

/**
 * Inference throughput of a ViT/DeiT preset ({@code deit bench infer}): eval mode, inference mode
 * (no autograd bookkeeping at all), a random batch already in memory, fused logits as {@code deit
 * eval} computes them. Weights are freshly initialised: speed does not depend on their values.
 */
public final class InferBench {
  private InferBench() {}

  /** Builds {@code model} (timm preset name) once for several measurements. */
  public static Classifier build(String model) {
    Engine.init();
    if (!VitConfig.isPreset(model)) {
      throw new IllegalArgumentException(
          "unknown ViT preset '" + model + "'; presets: " + VitConfig.presetNames());
    }
    Classifier c = Classifier.of(new VisionTransformer(VitConfig.preset(model)));
    c.module().eval();
    return c;
  }

  /**
   * Median batch time of {@code model} at batch size {@code batch} and precision {@code p}.
   *
   * @param peakGflops the GEMM peak at {@code p} ({@link GemmPeak})
   */
  @SuppressWarnings("try")
  public static ThroughputRow measure(
      String name,
      Classifier model,
      int batch,
      Precision p,
      double peakGflops,
      int warmup,
      int minRuns,
      double minSeconds) {
    VitConfig cfg = ((VisionTransformer) model.module()).config();
    Classifier run = MixedPrecision.classifier(model, p);
    Memory.resetPeak();
    try (InferenceMode mode = new InferenceMode()) {
      Tensor x = torch.randn(batch, cfg.inChans(), cfg.imgSize(), cfg.imgSize()); // (B, C, H, W)
      Timing.Result r =
          Timing.median(
              () -> {
                Map<String, Tensor> heads = run.evalHeads(x);
                heads.get("fused").data_ptr(); // the result exists (libtorch CPU ops are eager)
              },
              warmup,
              minRuns,
              minSeconds);
      double ms = r.medianSeconds() * 1000;
      return new ThroughputRow(
          "infer",
          name,
          null,
          batch,
          p,
          Engine.threads(),
          ms,
          ModelStats.gflops(cfg),
          ms,
          peakGflops,
          Memory.peakRssMb(),
          r.runs());
    }
  }
}
