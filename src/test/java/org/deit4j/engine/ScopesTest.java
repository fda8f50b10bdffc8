package org.deit4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScopesTest {
  @BeforeAll
  static void init() {
    Engine.init();
  }

  @Test
  void intermediatesAreFreedAndTheResultMovesToTheCallersScope() {
    Tensor[] intermediate = new Tensor[1];
    Tensor kept;
    Tensor input;
    try (PointerScope outer = new PointerScope()) {
      input = torch.ones(4);
      kept =
          Scopes.keepResult(
              () -> {
                intermediate[0] = input.mul(new Scalar(2.0));
                return intermediate[0].add(new Scalar(1.0));
              });
      assertTrue(intermediate[0].isNull(), "the intermediate is freed when the body returns");
      assertFalse(kept.isNull());
      assertEquals(12.0, kept.sum().item_double(), 1e-6); // (1 * 2 + 1) * 4
      assertFalse(input.isNull(), "tensors of the caller's scope are untouched");
    }
    assertTrue(kept.isNull(), "the result is freed with the caller's scope");
    assertTrue(input.isNull());
  }

  @Test
  void returningTheInputItselfKeepsItAliveOnce() {
    Tensor same;
    try (PointerScope outer = new PointerScope()) {
      Tensor x = torch.ones(2);
      same = Scopes.keepResult(() -> x);
      assertFalse(same.isNull());
      assertEquals(2.0, same.sum().item_double(), 1e-6);
    }
    assertTrue(same.isNull(), "freed once the caller's scope closes");
  }
}
