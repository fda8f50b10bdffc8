package org.deit4j.teacher;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * Squeeze-and-excitation (Hu et al. 2018) as timm's {@code SEModule}: global mean over H, W, 1x1
 * conv {@code fc1} (with bias) to the reduction width, ReLU, 1x1 conv {@code fc2} back, sigmoid,
 * and channel-wise rescaling of the input. RegNetY puts it after the grouped 3x3 conv.
 */
final class SqueezeExcite extends Module {
  private static final long[] SPATIAL = {2, 3};

  final Conv2dImpl fc1;
  final Conv2dImpl fc2;
  private final int channels;
  private final int reduced;

  SqueezeExcite(int channels, int reduced) {
    this.channels = channels;
    this.reduced = reduced;
    fc1 = register_module("fc1", pointwise(channels, reduced));
    fc2 = register_module("fc2", pointwise(reduced, channels));
  }

  private static Conv2dImpl pointwise(int in, int out) {
    Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(new long[] {1, 1}));
    o.bias().put(true);
    return new Conv2dImpl(o);
  }

  Tensor forward(Tensor x) {
    Tensor s = x.mean(SPATIAL, true, new ScalarTypeOptional()); // (B, C, 1, 1)
    s = fc2.forward(fc1.forward(s).relu()).sigmoid(); // (B, C, 1, 1)
    return x.mul(s); // (B, C, H, W)
  }

  void initWeights() {
    RegNetInit.convFanOut(fc1.weight(), 1, reduced, 1);
    RegNetInit.zero(fc1.bias());
    RegNetInit.convFanOut(fc2.weight(), 1, channels, 1);
    RegNetInit.zero(fc2.bias());
  }
}
