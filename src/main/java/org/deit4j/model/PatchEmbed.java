package org.deit4j.model;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Image to patch tokens (timm {@code PatchEmbed}): a {@code patch x patch} convolution with stride
 * {@code patch}, then flatten the grid row-major. Parameter names {@code proj.weight}, {@code
 * proj.bias}.
 */
public final class PatchEmbed extends Module {
  private final Conv2dImpl proj;
  private final int patchSize;

  public PatchEmbed(int inChans, int embedDim, int patchSize) {
    this.patchSize = patchSize;
    Conv2dOptions o = new Conv2dOptions(inChans, embedDim, new LongPointer(patchSize, patchSize));
    o.stride().put(new long[] {patchSize, patchSize}); // stride = kernel: non-overlapping patches
    o.bias().put(true);
    proj = register_module("proj", new Conv2dImpl(o));
  }

  /** The projection convolution. */
  public Conv2dImpl proj() {
    return proj;
  }

  /** (B, in, H, W) -> (B, H/p * W/p, C). */
  public Tensor forward(Tensor x) {
    if (x.size(2) % patchSize != 0 || x.size(3) % patchSize != 0) {
      throw new IllegalArgumentException(
          "input " + x.size(2) + "x" + x.size(3) + " is not a multiple of patch " + patchSize);
    }
    // NCHW whatever the caller's layout: libtorch 2.10's oneDNN convolutions return wrong results
    // for some channels-last inputs at 2 threads (see RegNet#forwardStages); a no-op when already
    // so.
    Tensor y = proj.forward(x.contiguous()); // (B, C, H/p, W/p)
    return y.flatten(2, -1).transpose(1, 2); // (B, N, C)
  }
}
