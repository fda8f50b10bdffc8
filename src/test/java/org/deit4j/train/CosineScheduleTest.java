package org.deit4j.train;

import static org.deit4j.testutil.Fixtures.rel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deit4j.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/** timm CosineLRScheduler as deit configures it, against lr_schedule.json (double math). */
class CosineScheduleTest {
  private static final double REL = 1e-15;
  private static final JsonNode FX = Fixtures.semantics("lr_schedule.json");
  private static final List<String> CONFIGS =
      List.of("deit_default_lr5e-4_batch1024_300ep", "lr1e-3_30ep", "lr1e-3_100ep");

  private static CosineSchedule fromArgs(JsonNode args) {
    return new CosineSchedule(
        args.get("lr").doubleValue(),
        args.get("epochs").intValue(),
        args.get("min_lr").doubleValue(),
        args.get("warmup_epochs").intValue(),
        args.get("warmup_lr").doubleValue(),
        args.get("cooldown_epochs").intValue());
  }

  private static double maxRel(double[] want, java.util.function.IntToDoubleFunction got) {
    double max = 0;
    for (int i = 0; i < want.length; i++) {
      max = Math.max(max, rel(got.applyAsDouble(i), want[i]));
    }
    return max;
  }

  @Test
  void matchesTimmForAllConfigs() {
    for (String name : CONFIGS) {
      JsonNode c = FX.get(name);
      CosineSchedule s = fromArgs(c.get("args"));
      assertEquals(s, CosineSchedule.deit(c.get("args").get("lr").doubleValue(), s.tInitial()));
      double[] lrAt = Fixtures.doubles(c.get("lr_at_t"));
      double[] deit = Fixtures.doubles(c.get("lr_used_in_epoch_deit_main"));
      double[] timm = Fixtures.doubles(c.get("lr_used_in_epoch_timm_train"));
      assertEquals(s.tInitial() + s.cooldownEpochs() + 1, lrAt.length);
      assertEquals(s.deitEpochs(), deit.length);
      assertEquals(s.timmEpochs(), timm.length);
      assertEquals(c.get("num_epochs_returned_by_create_scheduler").intValue(), s.timmEpochs());
      assertEquals(c.get("lr_after_construction").doubleValue(), s.lrAfterConstruction());

      double r1 = maxRel(lrAt, s::lrAt);
      double r2 = maxRel(deit, s::lrForEpochDeit);
      double r3 = maxRel(timm, s::lrForEpochTimm);
      System.out.printf(
          "lr_schedule.json %-36s max rel lr_at_t %.3g, deit %.3g, timm %.3g%n", name, r1, r2, r3);
      assertTrue(r1 <= REL && r2 <= REL && r3 <= REL, name + ": " + r1 + " " + r2 + " " + r3);
    }
  }

  @Test
  void warmupDoesNotShiftTheCosine() {
    // warmup_prefix=False: at t = warmupT the cosine is already at cos(pi*5/300), not at its peak.
    CosineSchedule s = CosineSchedule.deit(1e-3, 300);
    double want = 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + Math.cos(Math.PI * 5 / 300));
    assertEquals(want, s.lrAt(5), 1e-18);
    assertTrue(s.lrAt(5) < 1e-3);
    // deit steps one epoch late: epochs 0 and 1 both train at the warmup lr
    assertEquals(1e-6, s.lrForEpochDeit(0));
    assertEquals(1e-6, s.lrForEpochDeit(1));
    assertEquals(s.lrAt(1), s.lrForEpochDeit(2));
    assertEquals(1e-5, s.lrAt(300));
    assertEquals(1e-5, s.lrAt(5000));
  }

  @Test
  void linearScalingRule() {
    assertEquals(1e-3, CosineSchedule.scaleLr(5e-4, 1024, 1, false));
    assertEquals(1e-3, CosineSchedule.scaleLr(5e-4, 128, 8, false));
    assertEquals(5e-4 * 256 / 512.0, CosineSchedule.scaleLr(5e-4, 256, 1, false));
    assertEquals(5e-4, CosineSchedule.scaleLr(5e-4, 1024, 1, true));
    assertThrows(IllegalArgumentException.class, () -> CosineSchedule.scaleLr(5e-4, 0, 1, false));
  }

  @Test
  void validates() {
    assertThrows(IllegalArgumentException.class, () -> CosineSchedule.deit(0, 300));
    assertThrows(IllegalArgumentException.class, () -> CosineSchedule.deit(1e-3, 0));
    assertThrows(IllegalArgumentException.class, () -> CosineSchedule.deit(1e-3, 10).lrAt(-1));
    assertThrows(
        IllegalArgumentException.class, () -> new CosineSchedule(1e-3, 10, -1, 5, 1e-6, 10));
  }
}
