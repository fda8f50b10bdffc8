package org.deit4j.dist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deit4j.cli.CliRunner;
import org.deit4j.io.HostTensor;
import org.deit4j.testutil.BundledData;

/** Shared pieces of the multi-process tests: data, a tiny deterministic run, weight comparison. */
final class DistRuns {
  private DistRuns() {}

  /** Copies the bundled subset into {@code dir}; returns {@code dir}. */
  static Path extractData(Path dir) throws IOException {
    return BundledData.extractFashionMnist(dir);
  }

  /**
   * {@code train} arguments of a run without any randomness after initialisation: no augmentation,
   * Mixup, drop path, dropout or EMA, the sampler's order only. A depth-1 distilled DeiT (embed 32,
   * no qkv bias: the key bias has a zero gradient in exact arithmetic, so Adam turns its rounding
   * noise into lr-sized steps in either run) taught by an untrained regnety_002.
   */
  static List<String> args(
      Path data, Path out, int perClass, int batch, int epochs, int evalPerClass, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--model",
                "deit_fm_distilled_patch4_28",
                "--model-args",
                "depth=1,embed_dim=32,qkv_bias=false",
                "--data",
                data + ":train",
                "--per-class",
                Integer.toString(perClass),
                "--batch-size",
                Integer.toString(batch),
                "--epochs",
                Integer.toString(epochs),
                "--no-repeated-aug",
                "--warmup-epochs",
                "0",
                "--lr",
                "1e-3",
                "--unscale-lr",
                "--mean",
                "0.2860,0.2860,0.2860",
                "--std",
                "0.3530,0.3530,0.3530",
                "--recipe",
                "none",
                "--aa",
                "none",
                "--reprob",
                "0",
                "--mixup",
                "0",
                "--cutmix",
                "0",
                "--drop-path",
                "0",
                "--no-model-ema",
                "--distillation-type",
                "hard",
                "--teacher-model",
                "regnety_002",
                "--teacher-args",
                "stem_stride=1",
                "--num-workers",
                "1",
                "--output-dir",
                out.toString()));
    if (evalPerClass > 0) {
      a.addAll(List.of("--eval-data", data + ":t10k?perClass=" + evalPerClass));
    }
    a.addAll(List.of(extra));
    return a;
  }

  static CliRunner run(List<String> args) {
    return CliRunner.run(args.toArray(String[]::new));
  }

  /** The largest per-tensor relative difference {@code ||a - b|| / ||a||} over a state dict. */
  static double maxRelativeDifference(Map<String, HostTensor> a, Map<String, HostTensor> b) {
    if (!a.keySet().equals(b.keySet())) {
      throw new AssertionError("keys differ: " + a.keySet() + " vs " + b.keySet());
    }
    double worst = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k).toFloats();
      float[] y = b.get(k).toFloats();
      double num = 0;
      double den = 0;
      for (int i = 0; i < x.length; i++) {
        num += (x[i] - (double) y[i]) * (x[i] - (double) y[i]);
        den += x[i] * (double) x[i];
      }
      worst = Math.max(worst, den == 0 ? Math.sqrt(num) : Math.sqrt(num / den));
    }
    return worst;
  }
}
