package org.deit4j.teacher;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * RegNet's residual bottleneck block (timm {@code regnet.Bottleneck}): {@code conv1} 1x1 + BN +
 * ReLU, {@code conv2} grouped 3x3 (carries the stride) + BN + ReLU, {@code se} (RegNetY), {@code
 * conv3} 1x1 + BN; shortcut {@code downsample} (1x1 conv + BN) when shape changes, else identity;
 * sum, ReLU.
 */
final class Bottleneck extends Module {
  final ConvNormAct conv1;
  final ConvNormAct conv2;
  final SqueezeExcite se; // null when se width is 0 (RegNetX)
  final ConvNormAct conv3;
  final ConvNormAct downsample; // null for an identity shortcut

  Bottleneck(StageSpec stage, int block) {
    int in = stage.blockInWidth(block);
    int out = stage.width();
    int bw = stage.bottleneckWidth();
    int stride = stage.blockStride(block);
    // Registration order = timm attribute order = state-dict order.
    conv1 = register_module("conv1", new ConvNormAct(in, bw, 1, 1, 1, true));
    conv2 = register_module("conv2", new ConvNormAct(bw, bw, 3, stride, stage.groups(), true));
    int seWidth = stage.seChannels(block);
    se = seWidth > 0 ? register_module("se", new SqueezeExcite(bw, seWidth)) : null;
    conv3 = register_module("conv3", new ConvNormAct(bw, out, 1, 1, 1, false));
    downsample =
        stage.hasDownsample(block)
            ? register_module("downsample", new ConvNormAct(in, out, 1, stride, 1, false))
            : null;
  }

  Tensor forward(Tensor x) {
    Tensor y = conv2.forward(conv1.forward(x)); // (B, bw, H/s, W/s)
    if (se != null) {
      y = se.forward(y);
    }
    y = conv3.forward(y); // (B, out, H/s, W/s)
    Tensor shortcut = downsample != null ? downsample.forward(x) : x;
    return y.add(shortcut).relu();
  }

  void initWeights(boolean zeroInitLast) {
    conv1.initWeights();
    conv2.initWeights();
    if (se != null) {
      se.initWeights();
    }
    conv3.initWeights();
    if (downsample != null) {
      downsample.initWeights();
    }
    if (zeroInitLast) {
      RegNetInit.zeroInitLast(conv3.bn);
    }
  }
}
