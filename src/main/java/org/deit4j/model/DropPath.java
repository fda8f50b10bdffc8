package org.deit4j.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

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

  /** Per-block rates: float32 {@code linspace(0, rate, depth)} as timm's ViT builds {@code dpr}. */
  public static float[] rates(double rate, int depth) {
    float[] out = new float[depth];
    if (depth == 1) {
      out[0] = 0f;
      return out;
    }
    // torch.linspace in float32: start + i*step for the first half, end - (n-1-i)*step for the rest
    float step = (float) ((rate - 0.0) / (depth - 1));
    int half = depth / 2;
    for (int i = 0; i < depth; i++) {
      out[i] = i < half ? 0f + step * i : (float) rate - step * (depth - 1 - i);
    }
    return out;
  }
}
