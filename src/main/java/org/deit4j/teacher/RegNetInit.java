package org.deit4j.teacher;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's RegNet initialisation ({@code regnet._init_weights} with {@code zero_init_last=True}),
 * drawing from libtorch's default generator (seed it with {@code torch.manual_seed} for
 * reproducible models; the draws are not the same as PyTorch's for the same seed).
 */
final class RegNetInit {
  private RegNetInit() {}

  /** Conv: weight ~ N(0, sqrt(2 / fan_out)) with fan_out = k*k*out // groups; bias 0. */
  static void convFanOut(Tensor weight, int kernel, int out, int groups) {
    int fanOut = kernel * kernel * out / groups;
    NoGrad.run(() -> weight.normal_(0.0, Math.sqrt(2.0 / fanOut), new GeneratorOptional()));
  }

  /** Conv bias (SE 1x1 convs): 0. */
  static void zero(Tensor t) {
    NoGrad.run(t::zero_);
  }

  /** BatchNorm: weight 1, bias 0, fresh running statistics (nn.BatchNorm2d defaults). */
  static void bnDefaults(BatchNorm2dImpl bn) {
    NoGrad.run(
        () -> {
          bn.weight().fill_(new Scalar(1.0));
          bn.bias().zero_();
        });
    bn.reset_running_stats();
  }

  /** {@code Bottleneck.zero_init_last}: the block's last BN starts at weight 0 (identity block). */
  static void zeroInitLast(BatchNorm2dImpl bn) {
    zero(bn.weight());
  }

  /** Linear: weight ~ N(0, 0.01), bias 0. */
  static void linear(LinearImpl fc) {
    NoGrad.run(
        () -> {
          fc.weight().normal_(0.0, 0.01, new GeneratorOptional());
          fc.bias().zero_();
        });
  }
}
