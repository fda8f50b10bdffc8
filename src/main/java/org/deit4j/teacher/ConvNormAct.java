package org.deit4j.teacher;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm {@code ConvNormAct}: a bias-free k x k conv ({@code conv}), BatchNorm ({@code bn}) and an
 * optional ReLU. Padding is timm's symmetric default {@code ((stride - 1) + (k - 1)) / 2}, i.e. 1
 * for 3x3 and 0 for 1x1 convs at stride 1 or 2.
 */
final class ConvNormAct extends Module {
  /** BatchNorm epsilon and momentum of {@code nn.BatchNorm2d} defaults, as timm uses them. */
  static final double BN_EPS = 1e-5;

  static final double BN_MOMENTUM = 0.1;

  final Conv2dImpl conv;
  final BatchNorm2dImpl bn;
  private final boolean act;
  private final int kernel;
  private final int outChannels;
  private final int groups;
  private final FoldedConvBn folded;

  ConvNormAct(int in, int out, int kernel, int stride, int groups, boolean act) {
    this.kernel = kernel;
    this.outChannels = out;
    this.groups = groups;
    this.act = act;
    int pad = ((stride - 1) + (kernel - 1)) / 2;
    Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(new long[] {kernel, kernel}));
    o.stride().put(new long[] {stride, stride});
    o.padding().put(new LongPointer(new long[] {pad, pad}));
    o.groups().put(groups);
    o.bias().put(false);
    conv = register_module("conv", new Conv2dImpl(o));
    BatchNormOptions bo = new BatchNormOptions(out);
    bo.eps().put(BN_EPS);
    bo.momentum().put(BN_MOMENTUM);
    bn = register_module("bn", new BatchNorm2dImpl(bo));
    folded = new FoldedConvBn(conv, bn, BN_EPS, stride, pad, groups);
  }

  Tensor forward(Tensor x) {
    if (!is_training() && !GradMode.is_enabled()) {
      // inference (the frozen teacher): BN folded into the conv, ReLU in place on the fresh output
      Tensor y = folded.forward(x);
      return act ? y.relu_() : y;
    }
    Tensor y = bn.forward(conv.forward(x));
    return act ? y.relu() : y;
  }

  /** timm {@code _init_weights} for convs: N(0, sqrt(2 / fan_out)), fan_out = k*k*out/groups. */
  void initWeights() {
    RegNetInit.convFanOut(conv.weight(), kernel, outChannels, groups);
    RegNetInit.bnDefaults(bn);
  }
}
