package org.deit4j.train;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;

/**
 * Stochastic-depth rates per transformer block: timm {@code calculate_drop_path_rates(rate,
 * depth)}, i.e. {@code [x.item() for x in torch.linspace(0, rate, depth)]} in float32 (DeiT paper,
 * Table 9: stochastic depth 0.1). Computed with libtorch's own linspace so the float32 values are
 * bit-identical to timm's.
 */
public final class DropPathRates {
  private DropPathRates() {}

  /**
   * Rates for blocks {@code 0..depth-1}, rising linearly from 0 to {@code rate}.
   *
   * @param rate the last block's drop-path probability, in [0, 1)
   * @param depth number of blocks, at least 1
   */
  public static float[] rates(double rate, int depth) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("drop_path_rate must be in [0, 1), got " + rate);
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, got " + depth);
    }
    Engine.init();
    Tensor t =
        torch.linspace(
            new Scalar(0.0), new Scalar(rate), depth, new TensorOptions(ScalarType.Float));
    return Tensors.toFloats(t);
  }
}
