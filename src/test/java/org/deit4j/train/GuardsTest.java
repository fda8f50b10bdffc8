package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.junit.jupiter.api.Test;

// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class GuardsTest {
  @Test
  void detectsNonFiniteLosses() {
    Engine.init();
    try (PointerScope s = new PointerScope()) {
      Tensor ok = Tensors.floats(new float[] {1.5f}, new long[0]);
      assertSame(ok, Guards.requireFinite(ok, "loss"));
      assertEquals(1.5, Guards.finiteItem(ok, "loss"));

      NonFiniteException nan =
          assertThrows(
              NonFiniteException.class,
              () ->
                  Guards.requireFinite(
                      Tensors.floats(new float[] {Float.NaN}, new long[0]), "loss"));
      assertEquals("loss", nan.what());
      assertTrue(Double.isNaN(nan.value()));
      assertTrue(nan.getMessage().contains("loss is NaN"), nan.getMessage());

      NonFiniteException inf =
          assertThrows(
              NonFiniteException.class,
              () ->
                  Guards.finiteItem(
                      Tensors.floats(new float[] {Float.NEGATIVE_INFINITY}, new long[0]), "loss"));
      assertEquals(Double.NEGATIVE_INFINITY, inf.value());

      Tensor grads = Tensors.floats(new float[] {1f, 2f, Float.POSITIVE_INFINITY}, 3);
      assertThrows(NonFiniteException.class, () -> Guards.requireFinite(grads, "grads"));
      Guards.requireFinite(Tensors.floats(new float[] {1f, 2f, 3f}, 3), "grads");
      assertThrows(IllegalArgumentException.class, () -> Guards.finiteItem(grads, "grads"));
    }
  }
}
