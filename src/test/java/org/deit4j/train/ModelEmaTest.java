package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm1dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Engine;
import org.deit4j.engine.NamedTensors;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;
import org.deit4j.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** timm ModelEma (V1, deit) and ModelEmaV3 against ema.json. */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class ModelEmaTest {
  private static final double ABS = 1e-7;
  private static final String V1 = "ModelEma (V1, used by deit main.py)";
  private static JsonNode fx;

  @BeforeAll
  static void init() {
    Engine.init();
    fx = Fixtures.semantics("ema.json");
  }

  /** nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3)) with the same state names. */
  static final class Net extends Module {
    Net() {
      register_module("0", new LinearImpl(4, 3));
      register_module("1", new BatchNorm1dImpl(new BatchNormOptions(3)));
    }
  }

  /** Overwrites every state entry of {@code m} with the fixture values. */
  static void load(Module m, JsonNode state) {
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Map<String, Tensor> sd = NamedTensors.stateDict(m);
      assertEquals(iteratorToSet(state.fieldNames()), sd.keySet());
      for (Map.Entry<String, Tensor> e : sd.entrySet()) {
        e.getValue().copy_(Fixtures.tensor(state.get(e.getKey())));
      }
    }
  }

  private static Set<String> iteratorToSet(Iterator<String> it) {
    Set<String> out = new java.util.LinkedHashSet<>();
    it.forEachRemaining(out::add);
    return out;
  }

  /** Max abs deviation of the EMA from the fixture; integer entries must match exactly. */
  static double compare(ModelEma ema, JsonNode want) {
    double max = 0;
    for (Map.Entry<String, HostTensor> e : ema.stateDict().entrySet()) {
      float[] got = e.getValue().toFloats();
      double[] w = Fixtures.doubles(want.get(e.getKey()));
      assertEquals(w.length, got.length, e.getKey());
      for (int i = 0; i < w.length; i++) {
        if (e.getValue().dtype().isFloating()) {
          max = Math.max(max, Math.abs(got[i] - w[i]));
        } else {
          assertEquals(w[i], got[i], 0.0, e.getKey());
        }
      }
    }
    return max;
  }

  private static void run(JsonNode block, String variant, ModelEma.Config cfg, boolean withStep) {
    try (PointerScope s = new PointerScope()) {
      Net model = new Net();
      load(model, fx.get("init"));
      try (ModelEma ema = new ModelEma(model, cfg)) {
        double worst = 0;
        JsonNode steps = block.get("steps");
        for (int k = 0; k < steps.size(); k++) {
          load(model, steps.get(k).get("model"));
          if (withStep) {
            ema.update(model, k + 1);
          } else {
            ema.update(model);
          }
          worst = Math.max(worst, compare(ema, steps.get(k).get(variant)));
        }
        System.out.printf("ema.json decay %-8s %-40s max abs %.3g%n", cfg.decay(), variant, worst);
        assertTrue(worst <= ABS, variant + " max abs " + worst);
      }
    }
  }

  @Test
  void v1MatchesTimmModelEma() {
    double decay = fx.get("decay").doubleValue();
    assertEquals(ModelEma.DEIT_DECAY, decay);
    run(fx, V1, ModelEma.Config.v1(decay), false);
    run(fx, "ModelEmaV2", ModelEma.Config.v1(decay), false);
    run(fx.get("extra_decay_0.9"), V1, ModelEma.Config.v1(0.9), false);
  }

  @Test
  void v3MatchesTimmModelEmaV3() {
    double decay = fx.get("decay").doubleValue();
    run(fx, "ModelEmaV3 update(model)", ModelEma.Config.v3(decay), false);
    run(fx, "ModelEmaV3 update(model, step=k)", ModelEma.Config.v3(decay), true);
    run(fx.get("extra_decay_0.9"), "ModelEmaV3 update(model)", ModelEma.Config.v3(0.9), false);
    run(
        fx.get("extra_decay_0.9"),
        "ModelEmaV3 update(model, step=k)",
        ModelEma.Config.v3(0.9),
        true);
  }

  @Test
  void v3DecaySchedule() {
    try (PointerScope s = new PointerScope()) {
      ModelEma plain = new ModelEma(new Net(), ModelEma.Config.v3(0.99));
      assertEquals(0.0, plain.decayAt(0));
      assertEquals(0.0, plain.decayAt(1));
      assertEquals(0.99, plain.decayAt(2));
      ModelEma warm =
          new ModelEma(
              new Net(), new ModelEma.Config(ModelEma.Version.V3, 0.99, 0.1, 0, true, 1.0, 0.75));
      // step 11 -> s = 10: 1 - 11^-0.75
      assertEquals(1 - Math.pow(11, -0.75), warm.decayAt(11), 1e-15);
      assertEquals(0.99, warm.decayAt(10_000_000));
      plain.close();
      warm.close();
    }
  }

  @Test
  void keepsItsOwnCopiesAndRoundTrips() {
    try (PointerScope s = new PointerScope()) {
      Net model = new Net();
      load(model, fx.get("init"));
      try (ModelEma ema = new ModelEma(model, 0.9)) {
        load(model, fx.get("steps").get(0).get("model"));
        // the EMA still holds the initial values: it is not a view of the model
        assertEquals(0.0, compare(ema, fx.get("init")), 0.0);
        ema.update(model);
        Map<String, HostTensor> sd = ema.stateDict();

        Net other = new Net();
        ema.copyTo(other);
        for (Map.Entry<String, Tensor> e : NamedTensors.stateDict(other).entrySet()) {
          assertEquals(sd.get(e.getKey()), Tensors.toHost(e.getValue()), e.getKey());
        }
        try (ModelEma restored = new ModelEma(new Net(), 0.9)) {
          restored.loadStateDict(sd);
          assertEquals(sd, restored.stateDict());
        }
        sd.remove("1.running_mean");
        assertThrows(IllegalArgumentException.class, () -> ema.loadStateDict(sd));
      }
    }
  }
}
