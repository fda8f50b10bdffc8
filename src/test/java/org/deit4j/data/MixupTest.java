package org.deit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// PointerScope frees the tensors each test makes; it is never referenced by name.
@SuppressWarnings("try")
class MixupTest {
  private static final JsonNode MIX = Fixtures.json("mixup_cutmix.json");
  private static final JsonNode SMOOTH = Fixtures.json("label_smoothing_targets.json");

  @BeforeAll
  static void init() {
    Engine.init();
  }

  /** Replays fixed draws in order. */
  private static final class Scripted implements MixupDraws {
    final Deque<Double> uniforms;
    final Deque<Double> betas;
    final Deque<Integer> ints;

    Scripted(List<Double> uniforms, List<Double> betas, List<Integer> ints) {
      this.uniforms = new ArrayDeque<>(uniforms);
      this.betas = new ArrayDeque<>(betas);
      this.ints = new ArrayDeque<>(ints);
    }

    @Override
    public double uniform() {
      return uniforms.removeFirst();
    }

    @Override
    public double beta(double alpha) {
      return betas.removeFirst();
    }

    @Override
    public int randint(int bound) {
      int v = ints.removeFirst();
      assertTrue(v < bound);
      return v;
    }

    void assertUsedUp() {
      assertTrue(uniforms.isEmpty() && betas.isEmpty() && ints.isEmpty(), "unused draws");
    }
  }

  private static Tensor input() {
    return Tensors.floats(Fixtures.floats(MIX.get("input").get("x")), 4, 3, 8, 8);
  }

  private static Tensor labels(JsonNode y) {
    long[] v = new long[y.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = y.get(i).asLong();
    }
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(v);
    return Tensors.toTorch(new HostTensor(org.deit4j.io.DType.I64, new long[] {v.length}, b));
  }

  private static void assertBitExact(float[] expected, Tensor actual) {
    float[] got = Tensors.toFloats(actual);
    assertEquals(expected.length, got.length);
    for (int i = 0; i < got.length; i++) {
      assertEquals(
          Float.floatToIntBits(expected[i]),
          Float.floatToIntBits(got[i]),
          "element " + i + ": expected " + expected[i] + " got " + got[i]);
    }
  }

  @Test
  void mixupMatchesTimmBitExact() {
    try (PointerScope s = new PointerScope()) {
      JsonNode c = MIX.get("cases").get("mixup_lam0.7");
      // rand() < prob -> mix; rand() >= switch prob -> mixup; beta -> 0.7
      Scripted draws = new Scripted(List.of(0.0, 0.9), List.of(0.7), List.of());
      Mixup m = new Mixup(Mixup.Config.deit(5), draws);
      Tensor x = input();
      Mixup.Result r = m.apply(x, labels(MIX.get("input").get("y")));
      draws.assertUsedUp();
      assertFalse(r.cutmix());
      assertEquals(c.get("lam_used").asDouble(), r.lam());
      assertBitExact(Fixtures.floats(c.get("x_out")), r.images());
      assertBitExact(Fixtures.floats(c.get("target_out")), r.targets());
      assertEquals(ScalarType.Float, r.targets().scalar_type().intern());
    }
  }

  @Test
  void cutmixMatchesTimmIncludingClippedBox() {
    for (String name :
        List.of("cutmix_lam0.7_centre_y5_x3", "cutmix_lam0.7_centre_y7_x1_clipped")) {
      try (PointerScope s = new PointerScope()) {
        JsonNode c = MIX.get("cases").get(name);
        int cy = c.get("box_centre_cy_cx").get(0).asInt();
        int cx = c.get("box_centre_cy_cx").get(1).asInt();
        Scripted draws = new Scripted(List.of(0.0, 0.1), List.of(0.7), List.of(cy, cx));
        Mixup m = new Mixup(Mixup.Config.deit(5), draws);
        Mixup.Result r = m.apply(input(), labels(MIX.get("input").get("y")));
        draws.assertUsedUp();
        assertTrue(r.cutmix());
        assertEquals(c.get("lam_used_corrected").asDouble(), r.lam(), name);
        Mixup.Box box = Mixup.cutmixBox(8, 8, 0.7, cy, cx);
        assertArrayEquals(
            Fixtures.ints(c.get("box_yl_yh_xl_xh")),
            new int[] {box.yl(), box.yh(), box.xl(), box.xh()},
            name);
        assertBitExact(Fixtures.floats(c.get("x_out")), r.images());
        assertBitExact(Fixtures.floats(c.get("target_out")), r.targets());
      }
    }
  }

  @Test
  void smoothedOneHotMatchesTimm() {
    try (PointerScope s = new PointerScope()) {
      Tensor y = labels(SMOOTH.get("y"));
      assertBitExact(
          Fixtures.floats(SMOOTH.get("smoothing_0.1").get("target")),
          Mixup.smoothedOneHot(y, 5, 0.1));
      assertBitExact(
          Fixtures.floats(SMOOTH.get("smoothing_0.0").get("target")),
          Mixup.smoothedOneHot(y, 5, 0.0));
      // lam = 1 through mixupTarget is the same
      assertBitExact(
          Fixtures.floats(SMOOTH.get("smoothing_0.1").get("target")),
          Mixup.mixupTarget(y, 5, 1.0, 0.1));
    }
  }

  @Test
  void unmixedBatchWhenProbabilityMisses() {
    try (PointerScope s = new PointerScope()) {
      Mixup m =
          new Mixup(
              new Mixup.Config(0.8, 1.0, 0.5, 0.5, 0.1, 5),
              new Scripted(List.of(0.7), List.of(), List.of()));
      Tensor x = input();
      float[] before = Tensors.toFloats(x);
      Mixup.Result r = m.apply(x, labels(MIX.get("input").get("y")));
      assertEquals(1.0, r.lam());
      assertArrayEquals(before, Tensors.toFloats(r.images()));
      assertBitExact(Fixtures.floats(SMOOTH.get("smoothing_0.1").get("target")), r.targets());
    }
  }

  @Test
  void oddBatchIsRejected() {
    try (PointerScope s = new PointerScope()) {
      Mixup m = new Mixup(Mixup.Config.deit(5), MixupDraws.seeded(1));
      Tensor x = input().narrow(0, 0, 3);
      Tensor y = labels(MIX.get("input").get("y")).narrow(0, 0, 3);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> m.apply(x, y));
      assertTrue(e.getMessage().contains("even batch size"), e.getMessage());
    }
  }

  @Test
  void seededDrawsHaveBetaMeanAndTargetsSumToOne() {
    MixupDraws d = MixupDraws.seeded(42);
    double sum = 0;
    int n = 20000;
    for (int i = 0; i < n; i++) {
      double b = d.beta(0.8);
      assertTrue(b >= 0 && b <= 1);
      sum += b;
    }
    // symmetric Beta has mean 1/2; sd of the mean here is about 0.0024
    assertEquals(0.5, sum / n, 0.015);
    try (PointerScope s = new PointerScope()) {
      Mixup m = new Mixup(Mixup.Config.deit(5), MixupDraws.seeded(7));
      for (int i = 0; i < 10; i++) {
        Mixup.Result r = m.apply(input(), labels(MIX.get("input").get("y")));
        float[] t = Tensors.toFloats(r.targets());
        for (int row = 0; row < 4; row++) {
          double rowSum = 0;
          for (int k = 0; k < 5; k++) {
            rowSum += t[row * 5 + k];
          }
          assertEquals(1.0, rowSum, 1e-6);
        }
      }
    }
  }
}
