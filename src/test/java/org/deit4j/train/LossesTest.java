package org.deit4j.train;

import static org.deit4j.testutil.Fixtures.rel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.deit4j.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Losses against losses.json / label_smoothing_targets.json (timm 1.0, torch 1.13). */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class LossesTest {
  private static final double REL = 1e-6;
  private static JsonNode fx;

  @BeforeAll
  static void init() {
    Engine.init();
    fx = Fixtures.semantics("losses.json");
  }

  private static double expected(String c) {
    return fx.get("cases").get(c).get("loss_f32").doubleValue();
  }

  private static void assertRel(double want, double got, String what) {
    double r = rel(got, want);
    System.out.printf("losses.json %-45s rel %.3g%n", what, r);
    assertTrue(r <= REL, what + ": got " + got + " want " + want + " rel " + r);
  }

  private static void assertPerSample(JsonNode want, Tensor got, String what) {
    float[] g = Tensors.toFloats(got);
    double[] w = Fixtures.doubles(want);
    assertEquals(w.length, g.length);
    double max = 0;
    for (int i = 0; i < w.length; i++) {
      max = Math.max(max, rel(g[i], w[i]));
    }
    System.out.printf("losses.json %-45s rel %.3g%n", what + " per-sample", max);
    assertTrue(max <= REL, what + " per-sample rel " + max);
  }

  @Test
  void softTargetCrossEntropyMatchesTimm() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = Fixtures.tensor(fx.get("logits"));
      Tensor smoothed = Fixtures.tensor(fx.get("smoothed_onehot_target"));
      Tensor mixed = Fixtures.tensor(fx.get("mixup_lam0.7_target"));
      assertRel(
          expected("soft_target_ce_smoothed_onehot"),
          Losses.softTarget().loss(x, smoothed).item_double(),
          "soft_target_ce_smoothed_onehot");
      assertRel(
          expected("soft_target_ce_mixup_lam0.7"),
          Losses.softTarget().loss(x, mixed).item_double(),
          "soft_target_ce_mixup_lam0.7");
      assertPerSample(
          fx.get("cases").get("soft_target_ce_mixup_lam0.7").get("per_sample_f32"),
          Losses.softTargetPerSample(x, mixed),
          "soft_target_ce_mixup_lam0.7");
    }
  }

  @Test
  void labelSmoothingCrossEntropyMatchesTimm() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = Fixtures.tensor(fx.get("logits"));
      Tensor y = Fixtures.longs(fx.get("y"));
      assertRel(
          expected("label_smoothing_ce_0.1"),
          Losses.labelSmoothing(0.1).loss(x, y).item_double(),
          "label_smoothing_ce_0.1");
      assertPerSample(
          fx.get("cases").get("label_smoothing_ce_0.1").get("per_sample_f32"),
          Losses.labelSmoothingPerSample(x, y, 0.1),
          "label_smoothing_ce_0.1");
    }
  }

  @Test
  void torchCrossEntropyMatches() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = Fixtures.tensor(fx.get("logits"));
      Tensor y = Fixtures.longs(fx.get("y"));
      assertRel(
          expected("torch_cross_entropy"),
          Losses.crossEntropy().loss(x, y).item_double(),
          "torch_cross_entropy");
      assertRel(
          expected("torch_cross_entropy_label_smoothing_0.1"),
          Losses.crossEntropy(0.1).loss(x, y).item_double(),
          "torch_cross_entropy_label_smoothing_0.1");
    }
  }

  @Test
  void smoothedOneHotIsBitExact() {
    JsonNode t = Fixtures.semantics("label_smoothing_targets.json");
    try (PointerScope s = new PointerScope()) {
      Tensor y = Fixtures.longs(t.get("y"));
      long k = t.get("num_classes").longValue();
      assertArrayEquals(
          Fixtures.floats(t.get("smoothing_0.1").get("target")),
          Tensors.toFloats(Losses.smoothedOneHot(y, k, 0.1)));
      assertArrayEquals(
          Fixtures.floats(t.get("smoothing_0.0").get("target")),
          Tensors.toFloats(Losses.smoothedOneHot(y, k, 0.0)));
      // losses.json's smoothed target is the same tensor.
      assertArrayEquals(
          Fixtures.floats(fx.get("smoothed_onehot_target")),
          Tensors.toFloats(Losses.smoothedOneHot(y, k, 0.1)));
    }
  }

  /** BCE with logits in double, hand-derived: mean of max(x,0) - x*t + log1p(exp(-|x|)). */
  private static double bceReference(float[] x, float[] t) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      sum += Math.max(xi, 0) - xi * t[i] + Math.log1p(Math.exp(-Math.abs(xi)));
    }
    return sum / x.length;
  }

  @Test
  void binaryCrossEntropyFollowsTimmTargets() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = Fixtures.tensor(fx.get("logits"));
      float[] xs = Tensors.toFloats(x);
      Tensor y = Fixtures.longs(fx.get("y"));
      float[] smoothed = Fixtures.floats(fx.get("smoothed_onehot_target"));
      float[] mixed = Fixtures.floats(fx.get("mixup_lam0.7_target"));

      // int labels: smoothed one-hot built inside (off = s/K, on = 1 - s + s/K)
      double got = Losses.binaryCrossEntropy(0.1, null).loss(x, y).item_double();
      assertRel(bceReference(xs, smoothed), got, "bce(0.1) int labels [hand-derived]");
      // soft targets used as given (smoothing ignored, as in timm)
      got =
          Losses.binaryCrossEntropy(0.1, null)
              .loss(x, Fixtures.tensor(fx.get("mixup_lam0.7_target")))
              .item_double();
      assertRel(bceReference(xs, mixed), got, "bce mixup targets [hand-derived]");
      // threshold 0.2: mixup targets 0.65 and 0.29 become 1, 0.02 becomes 0
      float[] bin = new float[mixed.length];
      for (int i = 0; i < mixed.length; i++) {
        bin[i] = mixed[i] > 0.2f ? 1f : 0f;
      }
      got =
          Losses.binaryCrossEntropy(0.0, 0.2)
              .loss(x, Fixtures.tensor(fx.get("mixup_lam0.7_target")))
              .item_double();
      assertRel(bceReference(xs, bin), got, "bce threshold 0.2 [hand-derived]");
    }
  }

  @Test
  void deitCriterionSelection() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = Fixtures.tensor(fx.get("logits"));
      Tensor y = Fixtures.longs(fx.get("y"));
      Tensor mixed = Fixtures.tensor(fx.get("mixup_lam0.7_target"));
      assertEquals(
          expected("soft_target_ce_mixup_lam0.7"),
          Losses.forDeit(true, 0.1, false).loss(x, mixed).item_double(),
          1e-6);
      assertEquals(
          expected("label_smoothing_ce_0.1"),
          Losses.forDeit(false, 0.1, false).loss(x, y).item_double(),
          1e-6);
      assertEquals(
          expected("torch_cross_entropy"),
          Losses.forDeit(false, 0.0, false).loss(x, y).item_double(),
          1e-6);
      assertEquals(
          bceReference(Tensors.toFloats(x), Fixtures.floats(fx.get("mixup_lam0.7_target"))),
          Losses.forDeit(true, 0.1, true).loss(x, mixed).item_double(),
          1e-6);
    }
  }

  @Test
  void rejectsWrongTargetKinds() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = Fixtures.tensor(fx.get("logits"));
      Tensor y = Fixtures.longs(fx.get("y"));
      Tensor mixed = Fixtures.tensor(fx.get("mixup_lam0.7_target"));
      assertThrows(IllegalArgumentException.class, () -> Losses.softTarget().loss(x, y));
      assertThrows(IllegalArgumentException.class, () -> Losses.labelSmoothing(0.1).loss(x, mixed));
      assertThrows(
          IllegalArgumentException.class,
          () ->
              Losses.crossEntropy()
                  .loss(x, y.to(org.bytedeco.pytorch.global.torch.ScalarType.Float)));
      assertThrows(IllegalArgumentException.class, () -> Losses.labelSmoothing(1.0));
    }
  }
}
