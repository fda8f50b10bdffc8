package org.deit4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;
import org.junit.jupiter.api.Test;

class TensorsTest {
  @Test
  void nativeEnumsAreMatchedByValue() {
    // scalar_type() returns a fresh enum object (ordinal 0): the mapping must not rely on identity
    Tensor t = torch.ones(2, 3);
    assertEquals(DType.F32, Tensors.dtype(t.scalar_type()));
    assertEquals(DType.BF16, Tensors.dtype(t.to(ScalarType.BFloat16).scalar_type()));
    assertEquals(DType.I64, Tensors.dtype(t.to(ScalarType.Long).scalar_type()));
  }

  @Test
  void roundTripEveryDtype() {
    float[] v = {1f, -2f, 3.5f, 0f, 7f, 8f};
    for (DType d : DType.values()) {
      Tensor t = Tensors.floats(v, 2, 3).to(Tensors.scalarType(d));
      HostTensor h = Tensors.toHost(t);
      assertEquals(d, h.dtype());
      assertArrayEquals(new long[] {2, 3}, h.shape());
      HostTensor back = Tensors.toHost(Tensors.toTorch(h));
      assertEquals(h, back, d.toString());
    }
  }

  @Test
  void nonContiguousViewsAreCopiedRowMajor() {
    Tensor t = Tensors.floats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t(); // (3, 2) strided view
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, Tensors.toHost(t).toFloats());
  }
}
