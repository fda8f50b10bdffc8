package org.deit4j.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VitCostTest {
  /** Expected values: {@code ./deit info --model NAME} (deit4j's ModelStats), 3 decimals. */
  @Test
  void matchesDeit4jModelStats() {
    assertEquals(2.507, VitCost.gflopsPerImage("deit_tiny_patch16_224"), 5e-4);
    assertEquals(9.198, VitCost.gflopsPerImage("deit_small_patch16_224"), 5e-4);
    assertEquals(35.128, VitCost.gflopsPerImage("deit_base_patch16_224"), 5e-4);
    assertEquals(2.522, VitCost.gflopsPerImage("deit_tiny_distilled_patch16_224"), 5e-4);
  }

  @Test
  void unknownModelHasNoCost() {
    assertTrue(Double.isNaN(VitCost.gflopsPerImage("resnet50")));
  }

  @Test
  void medianOfEvenAndOddCounts() {
    assertEquals(2.0, OrtBench.median(new double[] {3, 1, 2}));
    assertEquals(2.5, OrtBench.median(new double[] {4, 1, 3, 2}));
  }
}
