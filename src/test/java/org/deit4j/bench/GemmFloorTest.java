package org.deit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deit4j.engine.Precision;
import org.deit4j.model.ModelStats;
import org.deit4j.model.VitConfig;
import org.junit.jupiter.api.Test;

/** The GEMM list covers exactly the model's multiply-accumulates; the timing adds up. */
class GemmFloorTest {
  private static double flops(List<GemmFloor.Gemm> g) {
    return g.stream().mapToDouble(GemmFloor.Gemm::flops).sum();
  }

  @Test
  void forwardProductsAreExactlyTheModelsMacs() {
    for (String name :
        List.of(
            "deit_tiny_patch16_224", "deit_small_distilled_patch16_224", "deit_base_patch16_384")) {
      VitConfig c = VitConfig.preset(name);
      for (int batch : new int[] {1, 7}) {
        double want = 2.0 * ModelStats.macsPerImage(c) * batch;
        assertEquals(want, flops(GemmFloor.gemms(c, batch, false)), want * 1e-12, name);
      }
    }
  }

  @Test
  void aTrainingStepIsThreeForwardsLessThePatchInputGradient() {
    // Backward = 2 × forward per product, except the patch projection's input gradient, which
    // autograd never computes (the images do not require grad).
    VitConfig c = VitConfig.preset("deit_tiny_distilled_patch16_224");
    int batch = 5;
    double patch =
        2.0 * batch * c.numPatches() * c.embedDim() * c.inChans() * c.patchSize() * c.patchSize();
    double want = 3 * 2.0 * ModelStats.macsPerImage(c) * batch - patch;
    assertEquals(want, flops(GemmFloor.gemms(c, batch, true)), want * 1e-12);
  }

  @Test
  void measuredTotalIsTheCountWeightedSumOfEachProduct() {
    VitConfig c = VitConfig.preset("deit_tiny_patch16_224").withDepth(1).withImgSize(32);
    GemmFloor.Result r = GemmFloor.measure(c, 2, Precision.FP32, true, 1);
    double sum = 0;
    for (int i = 0; i < r.gemms().size(); i++) {
      assertTrue(r.msEach()[i] > 0, r.gemms().get(i).name());
      sum += r.msEach()[i] * r.gemms().get(i).count();
    }
    assertEquals(sum, r.totalMs(), 1e-9);
    assertEquals(flops(r.gemms()) / 1e9, r.gflop(), 1e-12);
    assertEquals(2 / (r.totalMs() / 1000), r.imagesPerSecond(2), 1e-9);
  }
}
