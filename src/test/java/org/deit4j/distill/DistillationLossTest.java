package org.deit4j.distill;

import static org.deit4j.testutil.Fixtures.rel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Engine;
import org.deit4j.teacher.LogitsModel;
import org.deit4j.testutil.Fixtures;
import org.deit4j.train.Criterion;
import org.deit4j.train.Losses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deit losses.py semantics against distillation.json (cross-checked there with deit itself). */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class DistillationLossTest {
  private static final double REL = 1e-6;
  private static JsonNode fx;

  @BeforeAll
  static void init() {
    Engine.init();
    fx = Fixtures.semantics("distillation.json");
  }

  private static void assertRel(double want, double got, String what) {
    double r = rel(got, want);
    System.out.printf("distillation.json %-28s rel %.3g%n", what, r);
    assertTrue(r <= REL, what + ": got " + got + " want " + want + " rel " + r);
  }

  @Test
  void allCasesMatchDeit() {
    JsonNode in = fx.get("inputs");
    Criterion base = Losses.softTarget();
    var cases = fx.get("cases").fields();
    int n = 0;
    while (cases.hasNext()) {
      var e = cases.next();
      JsonNode c = e.getValue();
      try (PointerScope s = new PointerScope()) {
        Tensor cls = Fixtures.tensor(in.get("outputs_cls"));
        Tensor kd = Fixtures.tensor(in.get("outputs_kd"));
        Tensor teacher = Fixtures.tensor(in.get("teacher"));
        Tensor labels = Fixtures.tensor(in.get("labels_soft"));
        DistillationType type = DistillationType.parse(c.get("type").asText());
        DistillationLoss loss =
            new DistillationLoss(
                base, type, c.get("alpha").doubleValue(), c.get("tau").doubleValue());
        DistillationLoss.Parts p = loss.compute(StudentOutputs.of(cls, kd), labels, teacher);
        String k = e.getKey();
        assertRel(c.get("base_loss_f32").doubleValue(), p.base().item_double(), k + " base");
        if (c.get("distillation_loss_f32").isNull()) {
          assertNull(p.kd());
        } else {
          assertRel(c.get("distillation_loss_f32").doubleValue(), p.kd().item_double(), k + " kd");
        }
        assertRel(c.get("loss_f32").doubleValue(), p.total().item_double(), k + " total");
        n++;
      }
    }
    assertEquals(4, n);
  }

  @Test
  void teacherArgmaxAsInFixture() {
    try (PointerScope s = new PointerScope()) {
      Tensor t = Fixtures.tensor(fx.get("inputs").get("teacher"));
      long[] want = {1, 3, 0, 0};
      Tensor got = Losses.argmax(t);
      for (int i = 0; i < want.length; i++) {
        assertEquals(
            fx.get("inputs").get("teacher_argmax").get(i).longValue(), got.get(i).item_long());
        assertEquals(want[i], got.get(i).item_long());
      }
    }
  }

  @Test
  void hardClsAppliesTheTeacherTermToTheOnlyHead() {
    JsonNode in = fx.get("inputs");
    try (PointerScope s = new PointerScope()) {
      Tensor cls = Fixtures.tensor(in.get("outputs_cls"));
      Tensor teacher = Fixtures.tensor(in.get("teacher"));
      Tensor labels = Fixtures.tensor(in.get("labels_soft"));
      DistillationLoss loss =
          new DistillationLoss(Losses.softTarget(), DistillationType.HARD_CLS, 0.5, 1.0);
      DistillationLoss.Parts p = loss.compute(StudentOutputs.of(cls), labels, teacher);
      double kd = DistillationLoss.hard(cls, teacher).item_double();
      assertEquals(kd, p.kd().item_double(), 0.0);
      assertEquals(
          0.5 * fx.get("cases").get("none").get("base_loss_f32").doubleValue() + 0.5 * kd,
          p.total().item_double(),
          1e-6);
      // hard-cls refuses a two-headed student; soft/hard refuse a one-headed one (deit ValueError)
      assertThrows(
          IllegalArgumentException.class,
          () -> loss.compute(StudentOutputs.of(cls, cls), labels, teacher));
      DistillationLoss hard =
          new DistillationLoss(Losses.softTarget(), DistillationType.HARD, 0.5, 1.0);
      assertThrows(
          IllegalArgumentException.class,
          () -> hard.compute(StudentOutputs.of(cls), labels, teacher));
    }
  }

  @Test
  void teacherRunsWithoutGradAndOnlyWhenNeeded() {
    JsonNode in = fx.get("inputs");
    try (PointerScope s = new PointerScope()) {
      Tensor cls = Fixtures.tensor(in.get("outputs_cls")).requires_grad_(true);
      Tensor kd = Fixtures.tensor(in.get("outputs_kd")).requires_grad_(true);
      Tensor teacherLogits = Fixtures.tensor(in.get("teacher"));
      Tensor labels = Fixtures.tensor(in.get("labels_soft"));
      AtomicInteger calls = new AtomicInteger();
      boolean[] gradEnabledInside = {true};
      LogitsModel teacher =
          images -> {
            calls.incrementAndGet();
            gradEnabledInside[0] = GradMode.is_enabled();
            return teacherLogits;
          };
      Tensor images = Fixtures.tensor(in.get("outputs_cls")); // stands in for a batch
      DistillationLoss soft =
          new DistillationLoss(Losses.softTarget(), DistillationType.SOFT, 0.5, 3.0);
      DistillationLoss.Parts p = soft.compute(images, StudentOutputs.of(cls, kd), labels, teacher);
      assertEquals(1, calls.get());
      assertFalse(gradEnabledInside[0], "teacher must run under no-grad");
      assertTrue(GradMode.is_enabled(), "grad mode restored");
      assertRel(
          fx.get("cases").get("soft_T3").get("loss_f32").doubleValue(),
          p.total().item_double(),
          "soft_T3 via Teacher");
      p.total().backward();
      assertTrue(cls.grad().defined() && kd.grad().defined(), "both student heads get gradients");

      DistillationLoss none =
          new DistillationLoss(Losses.softTarget(), DistillationType.NONE, 0.5, 1.0);
      none.compute(images, StudentOutputs.of(cls, kd), labels, teacher);
      assertEquals(1, calls.get(), "teacher not called for none");
    }
  }

  @Test
  void parsesDeitFlags() {
    assertEquals(DistillationType.NONE, DistillationType.parse("none"));
    assertEquals(DistillationType.SOFT, DistillationType.parse("soft"));
    assertEquals(DistillationType.HARD, DistillationType.parse("hard"));
    assertEquals(DistillationType.HARD_CLS, DistillationType.parse("hard-cls"));
    assertEquals(DistillationType.HARD_CLS, DistillationType.parse("HARD_CLS"));
    assertEquals("hard-cls", DistillationType.HARD_CLS.flag());
    var ex = assertThrows(IllegalArgumentException.class, () -> DistillationType.parse("kd"));
    assertTrue(ex.getMessage().contains("none, soft, hard, hard-cls"), ex.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new DistillationLoss(Losses.softTarget(), DistillationType.SOFT, 1.5, 1.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DistillationLoss(Losses.softTarget(), DistillationType.SOFT, 0.5, 0.0));
  }
}
