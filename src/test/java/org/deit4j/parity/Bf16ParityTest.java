package org.deit4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Autocast;
import org.deit4j.engine.Precision;
import org.deit4j.engine.Tensors;
import org.deit4j.io.StateDict;
import org.deit4j.model.VisionTransformer;
import org.deit4j.model.VitConfig;
import org.deit4j.train.Classifier;
import org.deit4j.train.MixedPrecision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bf16 autocast against timm's float64 logits on the parity fixtures. bf16 keeps 8 bits of mantissa
 * (relative rounding 2^-9 ≈ 0.2 %), so the bound is relative to the logits' scale: max |bf16 − f64|
 * ≤ {@value #REL_TOL} × max |f64 logit|. Measured (this suite prints it): 0.37–0.67 % of the scale,
 * against ~1e-7 for fp32 (see README, Parity). The fused prediction must also agree with fp32 on
 * the top class of every image whose fp32 top-2 margin exceeds the bound.
 */
class Bf16ParityTest {
  /** Relative bound: about 3x the largest error measured on the fixtures. */
  static final double REL_TOL = 0.02;

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.deit4j.parity.TimmParityTest#fixtures")
  @SuppressWarnings("try")
  void bf16LogitsAgreeWithFloat64(String model, String input) throws Exception {
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      VitConfig cfg = TimmParityTest.configFor(model);
      VisionTransformer m = new VisionTransformer(cfg);
      StateDict.load(
          m, Fixtures.safetensors("timm/" + model + ".safetensors").tensors(), true, k -> false);
      m.eval();
      Tensor x =
          Tensors.toTorch(Fixtures.safetensors("timm/" + input + ".safetensors").get("input"));
      Tensor want =
          Tensors.toTorch(
              Fixtures.safetensors("timm/" + model + "_outputs.safetensors").get("logits_f64"));
      Classifier c = Classifier.of(m);
      Tensor fp32 = c.evalHeads(x).get("fused");
      Tensor bf16 = MixedPrecision.classifier(c, Precision.BF16).evalHeads(x).get("fused");
      assertEquals(torch.ScalarType.Float, bf16.scalar_type().intern(), "logits come back fp32");
      // the region really ran in bf16: a linear inside autocast yields bf16
      Tensor probe =
          Autocast.get(Precision.BF16, () -> torch.matmul(x.flatten(1, -1), x.flatten(1, -1).t()));
      assertEquals(torch.ScalarType.BFloat16, probe.scalar_type().intern());

      double scale = want.abs().max().item_double();
      double err = Tensors.maxAbsDiff(bf16, want.to(torch.ScalarType.Float));
      double err32 = Tensors.maxAbsDiff(fp32, want.to(torch.ScalarType.Float));
      System.out.printf(
          "[bf16] %s: max|bf16-f64| %.2e (%.3f%% of max|logit| %.2f), fp32 %.2e%n",
          model, err, 100 * err / scale, scale, err32);
      assertTrue(err <= REL_TOL * scale, model + ": bf16 error " + err + " > " + REL_TOL * scale);
      assertTrue(err > err32, "bf16 must differ more than fp32 (else autocast was not active)");

      long[] top32 = Tensors.toLongs(fp32.topk(1).get1());
      long[] top16 = Tensors.toLongs(bf16.topk(1).get1());
      Tensor top2 = fp32.topk(2).get0(); // (B, 2)
      float[] t2 = Tensors.toFloats(top2);
      for (int i = 0; i < top32.length; i++) {
        if (t2[2 * i] - t2[2 * i + 1] > 2 * REL_TOL * scale) {
          assertEquals(top32[i], top16[i], model + ": top-1 of image " + i);
        }
      }
    }
  }
}
