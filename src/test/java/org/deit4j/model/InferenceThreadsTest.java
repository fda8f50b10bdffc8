package org.deit4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bytedeco.pytorch.NoGradGuard;
import org.deit4j.engine.Autocast;
import org.deit4j.engine.BlasThreads;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Precision;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ViT forward in fp32 without autograd keeps OpenBLAS single-threaded; one with autograd or in
 * bf16 does not.
 */
// "try": NoGradGuard is a scope guard, used only for its open/close effect.
@SuppressWarnings("try")
class InferenceThreadsTest {
  @BeforeAll
  static void init() {
    Engine.init();
  }

  @Test
  void openBlasIsSingleThreadedOnlyWhileInferring() {
    int configured = BlasThreads.configured();
    assumeTrue(configured > 1, "needs a multi-core machine");
    int inside;
    try (NoGradGuard g = new NoGradGuard()) {
      inside = VisionTransformer.singleBlasThreadForFp32Inference(BlasThreads::current);
    }
    assertEquals(1, inside, "inference");
    assertEquals(configured, BlasThreads.current(), "restored afterwards");
    assertEquals(
        configured,
        VisionTransformer.singleBlasThreadForFp32Inference(BlasThreads::current),
        "autograd on: training keeps OpenBLAS's threads for its GEMMs");
    try (NoGradGuard g = new NoGradGuard()) {
      assertEquals(
          configured,
          Autocast.get(
              Precision.BF16,
              () -> VisionTransformer.singleBlasThreadForFp32Inference(BlasThreads::current)),
          "bf16 inference uses no OpenBLAS: no switching");
    }
  }
}
