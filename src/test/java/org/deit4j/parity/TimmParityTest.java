package org.deit4j.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;
import org.deit4j.io.SafetensorsFile;
import org.deit4j.io.StateDict;
import org.deit4j.model.Logits;
import org.deit4j.model.PosEmbed;
import org.deit4j.model.VisionTransformer;
import org.deit4j.model.VitConfig;
import org.deit4j.model.VitWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward parity with timm 1.0.29 on the fixture models (shared/fixtures/timm/README.md): every
 * output within 1e-4 max absolute error in fp32; logits also against timm's float64 evaluation.
 */
class TimmParityTest {
  private static final double ATOL = 1e-4;

  /**
   * (fixture model, its input) pairs of shared/fixtures/timm, shared with {@code Bf16ParityTest}.
   */
  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("deit_tiny_d2", "input"),
        Arguments.of("deit_tiny_d2_perturbed", "input"),
        Arguments.of("deit_tiny_distilled_d2", "input"),
        Arguments.of("deit_tiny_distilled_d2_perturbed", "input"),
        Arguments.of("deit_tiny_distilled_d2_perturbed_384", "input_384"),
        Arguments.of("deit3_small_d2_perturbed", "input"));
  }

  static VitConfig configFor(String model) {
    return switch (model) {
      case "deit_tiny_d2", "deit_tiny_d2_perturbed" ->
          VitConfig.preset("deit_tiny_patch16_224").withDepth(2);
      case "deit_tiny_distilled_d2", "deit_tiny_distilled_d2_perturbed" ->
          VitConfig.preset("deit_tiny_distilled_patch16_224").withDepth(2);
      case "deit_tiny_distilled_d2_perturbed_384" ->
          VitConfig.preset("deit_tiny_distilled_patch16_224").withDepth(2).withImgSize(384);
      case "deit3_small_d2_perturbed" -> VitConfig.preset("deit3_small_patch16_224").withDepth(2);
      default -> throw new IllegalArgumentException(model);
    };
  }

  static double maxErr(Tensor ours, HostTensor theirs) {
    assertEquals(
        java.util.Arrays.toString(theirs.shape()), Tensors.shapeOf(ours), "shape of output");
    return Tensors.maxAbsDiff(ours, Tensors.toTorch(theirs));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void forwardMatchesTimm(String model, String input) throws Exception {
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      VitConfig cfg = configFor(model);
      VisionTransformer m = new VisionTransformer(cfg);
      StateDict.LoadReport r =
          StateDict.load(
              m,
              Fixtures.safetensors("timm/" + model + ".safetensors").tensors(),
              true,
              k -> false);
      assertTrue(r.clean(), r.toString());
      m.eval();
      Tensor x =
          Tensors.toTorch(Fixtures.safetensors("timm/" + input + ".safetensors").get("input"));
      SafetensorsFile expected = Fixtures.safetensors("timm/" + model + "_outputs.safetensors");
      StringBuilder report = new StringBuilder(model + ":");
      Tensor feats = m.forwardFeatures(x);
      Logits logits = m.forwardHead(feats);
      check(report, "logits", logits.fused(), expected, ATOL);
      check(report, "logits_f64", logits.fused(), expected, 1e-5);
      if (cfg.distilled()) {
        Logits.Distilled both = m.heads(feats);
        check(report, "logits_cls", both.cls(), expected, ATOL);
        check(report, "logits_dist", both.dist(), expected, ATOL);
        check(report, "logits_cls_f64", both.cls(), expected, 1e-5);
        check(report, "logits_dist_f64", both.dist(), expected, 1e-5);
      }
      check(report, "features", feats, expected, ATOL);
      check(report, "patch_embed", m.patchEmbed(x), expected, ATOL);
      System.out.println("[parity] " + report);
    }
  }

  private static void check(
      StringBuilder report, String key, Tensor ours, SafetensorsFile expected, double atol)
      throws Exception {
    if (!expected.tensors().containsKey(key)) {
      return; // not every fixture has every output (README table)
    }
    double err = maxErr(ours, expected.get(key));
    report.append(String.format(" %s=%.2e", key, err));
    assertTrue(err <= atol, key + " max abs error " + err + " > " + atol);
  }

  /** timm's checkpoint filter resamples 224 -> 384 with antialiased bicubic; we must equal it. */
  @Test
  void posEmbedResamplingMatchesTimmAndDeit() throws Exception {
    try (PointerScope scope = new PointerScope()) {
      Map<String, HostTensor> sd224 =
          Fixtures.safetensors("timm/deit_tiny_distilled_d2_perturbed.safetensors").tensors();
      HostTensor timm384 =
          Fixtures.safetensors("timm/deit_tiny_distilled_d2_perturbed_384.safetensors")
              .get("pos_embed");
      HostTensor deit384 =
          Fixtures.safetensors("timm/deit_tiny_distilled_d2_perturbed_384_outputs.safetensors")
              .get("pos_embed_no_antialias");
      VitConfig cfg384 = configFor("deit_tiny_distilled_d2_perturbed_384");
      HostTensor ours =
          VitWeights.adapt(cfg384, sd224, PosEmbed.Interpolation.BICUBIC_ANTIALIAS)
              .get("pos_embed");
      HostTensor oursDeit =
          VitWeights.adapt(cfg384, sd224, PosEmbed.Interpolation.BICUBIC).get("pos_embed");
      double errTimm = maxAbs(ours, timm384);
      double errDeit = maxAbs(oursDeit, deit384);
      double gap = maxAbs(timm384, deit384);
      System.out.printf(
          "[parity] pos_embed 224->384: timm antialias err=%.2e, deit err=%.2e (they differ by %.3f)%n",
          errTimm, errDeit, gap);
      assertTrue(errTimm <= 1e-6, "antialiased resample error " + errTimm);
      assertTrue(errDeit <= 1e-6, "deit resample error " + errDeit);
      assertTrue(gap > 0.01, "fixture must tell the two apart");
      // and the whole model built from 224 weights at 384 gives timm's 384 logits
      VisionTransformer m = new VisionTransformer(cfg384);
      VitWeights.load(m, sd224, true, PosEmbed.Interpolation.BICUBIC_ANTIALIAS);
      Tensor x = Tensors.toTorch(Fixtures.safetensors("timm/input_384.safetensors").get("input"));
      Tensor y = m.predict(x);
      HostTensor want =
          Fixtures.safetensors("timm/deit_tiny_distilled_d2_perturbed_384_outputs.safetensors")
              .get("logits_f64");
      double err = maxErr(y, want);
      System.out.printf(
          "[parity] 224 weights resampled in Java -> 384 logits vs timm f64: %.2e%n", err);
      assertTrue(err <= 1e-5);
    }
  }

  private static double maxAbs(HostTensor a, HostTensor b) {
    assertEquals(java.util.Arrays.toString(b.shape()), java.util.Arrays.toString(a.shape()));
    float[] x = a.toFloats();
    float[] y = b.toFloats();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs((double) x[i] - y[i]));
    }
    return m;
  }
}
