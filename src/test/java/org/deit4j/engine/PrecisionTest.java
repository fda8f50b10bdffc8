package org.deit4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class PrecisionTest {
  @Test
  void parsesFlagSpellings() {
    assertEquals(Precision.FP32, Precision.parse(null));
    assertEquals(Precision.FP32, Precision.parse("fp32"));
    assertEquals(Precision.FP32, Precision.parse("Float32"));
    assertEquals(Precision.BF16, Precision.parse(" bf16 "));
    assertEquals(Precision.BF16, Precision.parse("bfloat16"));
    assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
    assertEquals("bf16", Precision.BF16.flag());
  }

  @Test
  @SuppressWarnings("try")
  void autocastRegionCastsMatmulsAndRestoresState() {
    Engine.init();
    try (PointerScope s = new PointerScope()) {
      Tensor a = torch.randn(4, 8);
      Tensor b = torch.randn(8, 3);
      assertEquals(
          torch.ScalarType.Float,
          Autocast.get(Precision.FP32, () -> torch.mm(a, b)).scalar_type().intern());
      Tensor y =
          Autocast.get(
              Precision.BF16,
              () -> {
                assertTrue(torch.is_autocast_enabled(torch.DeviceType.CPU));
                // nested region: leaving it must not switch the outer one off
                Autocast.run(Precision.BF16, () -> torch.mm(a, b));
                assertTrue(torch.is_autocast_enabled(torch.DeviceType.CPU));
                return torch.mm(a, b);
              });
      assertEquals(torch.ScalarType.BFloat16, y.scalar_type().intern());
      // elementwise ops are not autocast: fp32 stays fp32 inside the region
      Tensor z = Autocast.get(Precision.BF16, () -> a.add(a));
      assertEquals(torch.ScalarType.Float, z.scalar_type().intern());
      assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU), "state restored");
      assertEquals(
          torch.ScalarType.Float, torch.mm(a, b).scalar_type().intern(), "no autocast outside");
    }
  }
}
