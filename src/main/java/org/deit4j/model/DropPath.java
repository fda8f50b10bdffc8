package org.deit4j.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;

/**
 * Stochastic depth per sample (Huang et al. 2016), as timm's {@code drop_path}: in training, each
 * sample's residual branch is zeroed with probability {@code p} and survivors are scaled by {@code
 * 1/(1-p)}; identity in eval or when {@code p == 0}.
 */
public final class DropPath {
  private DropPath() {}

  /**
   * Applies drop path to a branch output {@code x} of shape (B, ...).
   *
   * @param p drop probability of this block
   * @param training module training flag
   */
  public static Tensor apply(Tensor x, double p, boolean training) {
    if (p == 0.0 || !training) {
      return x;
    }
    double keep = 1.0 - p;
    long[] shape = new long[(int) x.ndimension()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = x.size(0); // (B, 1, 1): one draw per sample
    // Bernoulli(keep) per sample, scaled by 1/keep (timm scale_by_keep=True)
    Tensor mask = torch.rand(shape).lt(new Scalar(keep)).to(x.scalar_type());
    mask.div_(new Scalar(keep));
    return x.mul(mask);
  }

  /**
   * Per-block rates: timm's {@code [x.item() for x in torch.linspace(0, rate, depth)]} in float32
   * (DeiT paper, Table 9: stochastic depth 0.1), computed with libtorch's own linspace so the
   * values are bit-identical to timm's.
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
