package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;
import org.deit4j.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AdamW against adamw.json (torch.optim.AdamW, torch 1.13, fp32). */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class AdamWTest {
  private static final double ABS = 2e-7;
  private static JsonNode fx;

  @BeforeAll
  static void init() {
    Engine.init();
    fx = Fixtures.semantics("adamw.json");
  }

  /** Sets p.grad to exactly g: d/dp sum(p * g) = g. */
  static void setGrad(AdamW opt, Tensor p, Tensor g) {
    opt.zeroGrad();
    try (PointerScope s = new PointerScope()) {
      p.mul(g).sum().backward();
    }
  }

  private static double maxAbs(JsonNode want, Tensor got) {
    float[] g = Tensors.toFloats(got);
    double[] w = Fixtures.doubles(want);
    assertEquals(w.length, g.length);
    double m = 0;
    for (int i = 0; i < w.length; i++) {
      m = Math.max(m, Math.abs(g[i] - w[i]));
    }
    return m;
  }

  private static AdamW fixtureOptimizer(Tensor p) {
    JsonNode h = fx.get("hyper");
    return new AdamW(
        List.of(new ParamGroup(Map.of("p", p), h.get("weight_decay").doubleValue())),
        h.get("lr").doubleValue(),
        h.get("betas").get(0).doubleValue(),
        h.get("betas").get(1).doubleValue(),
        h.get("eps").doubleValue());
  }

  @Test
  void threeStepsMatchTorch() {
    try (PointerScope s = new PointerScope()) {
      Tensor p = Fixtures.tensor(fx.get("param0")).requires_grad_(true);
      try (AdamW opt = fixtureOptimizer(p)) {
        double worst = 0;
        for (int k = 0; k < 3; k++) {
          setGrad(opt, p, Fixtures.tensor(fx.get("grads").get(k)));
          opt.step();
          JsonNode want = fx.get("steps").get(k);
          Map<String, HostTensor> sd = opt.stateDict();
          double dp = maxAbs(want.get("param"), p);
          double dm = maxAbs(want.get("exp_avg"), Tensors.toTorch(sd.get("state.p.exp_avg")));
          double dv = maxAbs(want.get("exp_avg_sq"), Tensors.toTorch(sd.get("state.p.exp_avg_sq")));
          System.out.printf(
              "adamw.json step %d max abs: param %.3g exp_avg %.3g exp_avg_sq %.3g%n",
              k + 1, dp, dm, dv);
          worst = Math.max(worst, Math.max(dp, Math.max(dm, dv)));
          assertEquals(want.get("step").longValue(), opt.stepCount("p"));
        }
        assertTrue(worst <= ABS, "max abs deviation " + worst);
      }
    }
  }

  @Test
  void stateDictRoundTripContinuesIdentically() {
    try (PointerScope s = new PointerScope()) {
      Tensor p = Fixtures.tensor(fx.get("param0")).requires_grad_(true);
      Tensor q = Fixtures.tensor(fx.get("param0")).requires_grad_(true);
      try (AdamW a = fixtureOptimizer(p);
          AdamW b = fixtureOptimizer(q)) {
        setGrad(a, p, Fixtures.tensor(fx.get("grads").get(0)));
        a.step();
        a.setLr(5e-4);
        // b resumes from a's checkpoint: parameters and optimizer state
        q.detach().copy_(p.detach());
        b.loadStateDict(a.stateDict());
        assertEquals(5e-4, b.lr(0));
        assertEquals(1, b.stepCount("p"));
        for (int k = 1; k < 3; k++) {
          setGrad(a, p, Fixtures.tensor(fx.get("grads").get(k)));
          setGrad(b, q, Fixtures.tensor(fx.get("grads").get(k)));
          a.step();
          b.step();
        }
        assertArrayEquals(Tensors.toFloats(p), Tensors.toFloats(q));
        assertEquals(a.stateDict(), b.stateDict());
      }
    }
  }

  @Test
  void loadStateDictRejectsBadInput() {
    try (PointerScope s = new PointerScope()) {
      Tensor p = Fixtures.tensor(fx.get("param0")).requires_grad_(true);
      try (AdamW a = fixtureOptimizer(p)) {
        setGrad(a, p, Fixtures.tensor(fx.get("grads").get(0)));
        a.step();
        Map<String, HostTensor> sd = a.stateDict();

        Map<String, HostTensor> unknown = new LinkedHashMap<>(sd);
        unknown.put("state.q.exp_avg", sd.get("state.p.exp_avg"));
        assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(unknown));

        Map<String, HostTensor> incomplete = new LinkedHashMap<>(sd);
        incomplete.remove("state.p.step");
        assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(incomplete));

        Map<String, HostTensor> badShape = new LinkedHashMap<>(sd);
        badShape.put("state.p.exp_avg", HostTensor.ofFloats(new float[12], 12));
        assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(badShape));
        assertEquals(1, a.stepCount("p"), "failed loads change nothing");
      }
    }
  }

  @Test
  void skipsParametersWithoutGradientAndUsesPerGroupLr() {
    try (PointerScope s = new PointerScope()) {
      Tensor a = Tensors.floats(new float[] {1f, 2f}, 2).requires_grad_(true);
      Tensor b = Tensors.floats(new float[] {3f, 4f}, 2).requires_grad_(true);
      try (AdamW opt =
          new AdamW(
              List.of(new ParamGroup(Map.of("a", a), 0.0), new ParamGroup(Map.of("b", b), 0.5)),
              0.1,
              0.9,
              0.999,
              1e-8)) {
        setGrad(opt, a, Tensors.floats(new float[] {1f, -1f}, 2));
        opt.setLr(1, 0.2);
        opt.step();
        assertEquals(1, opt.stepCount("a"));
        assertEquals(0, opt.stepCount("b"), "b had no gradient: skipped");
        assertArrayEquals(new float[] {3f, 4f}, Tensors.toFloats(b));
        // first Adam step moves each coordinate by lr * sign(g) (up to eps)
        float[] av = Tensors.toFloats(a);
        assertEquals(0.9, av[0], 1e-6);
        assertEquals(2.1, av[1], 1e-6);
        assertFalse(opt.stateDict().containsKey("state.b.exp_avg"));
        assertEquals(0.2, opt.lr(1));
        opt.zeroGrad();
        assertFalse(a.grad().defined(), "zeroGrad sets gradients to none");
      }
    }
  }
}
