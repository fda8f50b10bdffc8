package org.deit4j.teacher;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A bias-free convolution followed by eval-mode BatchNorm, folded into one convolution with a bias
 * (what PyTorch's {@code torch.fx} / Inductor freezing does for inference):
 *
 * <pre>
 * scale = gamma / sqrt(running_var + eps)     (per output channel)
 * W'    = W * scale                           (O, I/g, k, k)
 * b'    = beta - running_mean * scale         (O)
 * </pre>
 *
 * <p>One pass over the activations instead of two (the BN pass is memory-bound on CPU). The folded
 * weights are cached and rebuilt when any of the five source tensors changes (version counters and
 * storage), so loading weights or a training epoch in between is safe. Inference only: the module
 * uses it in eval mode without autograd.
 */
final class FoldedConvBn {
  private final Conv2dImpl conv;
  private final BatchNorm2dImpl bn;
  private final double eps;
  private final long[] stride;
  private final long[] padding;
  private final long groups;
  private Tensor weight;
  private Tensor bias;
  private long[] key;

  FoldedConvBn(Conv2dImpl conv, BatchNorm2dImpl bn, double eps, int stride, int pad, int groups) {
    this.conv = conv;
    this.bn = bn;
    this.eps = eps;
    this.stride = new long[] {stride, stride};
    this.padding = new long[] {pad, pad};
    this.groups = groups;
  }

  /** {@code bn(conv(x))} in eval mode, (B, I, H, W) -> (B, O, H', W'). */
  synchronized Tensor forward(Tensor x) {
    refresh();
    return torch.conv2d(
        x, weight, new TensorOptional(bias), stride, padding, new long[] {1, 1}, groups);
  }

  private void refresh() {
    Tensor w = conv.weight();
    Tensor gamma = bn.weight();
    Tensor beta = bn.bias();
    Tensor mean = bn.running_mean();
    Tensor var = bn.running_var();
    long[] now = {
      w._version(),
      w.data_ptr().address(),
      gamma._version(),
      beta._version(),
      mean._version(),
      var._version(),
      mean.data_ptr().address(),
      var.data_ptr().address()
    };
    if (weight != null && java.util.Arrays.equals(now, key)) {
      return;
    }
    release();
    try (PointerScope own = new PointerScope()) {
      Tensor scale = gamma.detach().div(var.detach().add(new Scalar(eps)).sqrt()); // (O)
      weight = w.detach().mul(scale.reshape(-1, 1, 1, 1)).contiguous(); // (O, I/g, k, k)
      bias = beta.detach().sub(mean.detach().mul(scale)).contiguous(); // (O)
      weight.retainReference();
      bias.retainReference();
    }
    key = now;
  }

  private void release() {
    if (weight != null) {
      weight.releaseReference();
      bias.releaseReference();
      weight = null;
      bias = null;
    }
  }
}
