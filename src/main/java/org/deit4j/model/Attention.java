package org.deit4j.model;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.BlasThreads;
import org.deit4j.engine.OneDnn;

/**
 * Multi-head self-attention (timm {@code Attention}): fused {@code qkv} Linear (rows q | k | v,
 * each split into heads), scaled dot-product attention with scale {@code head_dim^-0.5} (see {@link
 * #attention}), output projection {@code proj}.
 */
public final class Attention extends Module {
  private final LinearImpl qkv;
  private final LinearImpl proj;
  private final int numHeads;
  private final double attnDrop;
  private final double projDrop;
  private final InferenceLinear qkvFused;
  private final InferenceLinear projFused;

  public Attention(int dim, int numHeads, boolean qkvBias, double attnDrop, double projDrop) {
    this.numHeads = numHeads;
    this.attnDrop = attnDrop;
    this.projDrop = projDrop;
    LinearOptions qo = new LinearOptions(dim, 3L * dim);
    qo.bias().put(qkvBias);
    qkv = register_module("qkv", new LinearImpl(qo));
    proj = register_module("proj", new LinearImpl(dim, dim));
    qkvFused = new InferenceLinear(qkv);
    projFused = new InferenceLinear(proj);
  }

  LinearImpl qkv() {
    return qkv;
  }

  LinearImpl proj() {
    return proj;
  }

  /** (B, N, C) -> (B, N, C). */
  public Tensor forward(Tensor x) {
    long b = x.size(0);
    long n = x.size(1);
    long c = x.size(2);
    long d = c / numHeads;
    boolean training = is_training();
    Tensor qkvOut =
        qkvFused
            .forward(x, OneDnn.Activation.NONE, training)
            .reshape(b, n, 3, numHeads, d)
            .permute(2, 0, 3, 1, 4); // (3, B, H, N, D)
    Tensor q = qkvOut.select(0, 0); // (B, H, N, D)
    Tensor k = qkvOut.select(0, 1);
    Tensor v = qkvOut.select(0, 2);
    Tensor o = attention(q, k, v, training); // (B, H, N, D)
    Tensor merged = o.transpose(1, 2).reshape(b, n, c); // (B, N, C)
    Tensor y = projFused.forward(merged, OneDnn.Activation.NONE, training);
    return projDrop > 0 && training ? torch.dropout(y, projDrop, true) : y;
  }

  /**
   * {@code softmax(q k^T * scale) v}, scale {@code 1/sqrt(D)} = timm's {@code head_dim ** -0.5}.
   * (B, H, N, D) -> (B, H, N, D). Two implementations, chosen by what is fastest on CPU:
   *
   * <ul>
   *   <li>fp32 inference: libtorch's fused {@code scaled_dot_product_attention}. Its CPU kernel
   *       calls BLAS from inside its own parallel loop; with OpenBLAS also running 2 threads the
   *       two pools fight (DeiT-Ti batch 32: 4-5 img/s), so OpenBLAS is single-threaded for the
   *       call ({@link BlasThreads#singleThreaded}): 85.6 img/s against 80.1 for the path below
   *       (DeiT-Ti, batch 32, measured with a scratch-build switch).
   *   <li>training (autograd replays the backward outside any such guard) and bf16: timm's
   *       non-fused path ({@code fused_attn = False}), q scaled first, softmax in fp32. In bf16 the
   *       fused kernel is ~50x slower than this (160 ms against 3 ms for DeiT-Ti's (8, 3, 197, 64)
   *       attention); in bf16 the two products run on oneDNN.
   * </ul>
   */
  private Tensor attention(Tensor q, Tensor k, Tensor v, boolean training) {
    if (!training
        && !GradMode.is_enabled()
        && q.scalar_type().intern() == torch.ScalarType.Float
        && !torch.is_autocast_enabled(torch.DeviceType.CPU)) {
      // fp32 inference: libtorch's fused kernel (no (B, H, N, N) scores in memory), with OpenBLAS
      // single-threaded inside it so its per-block GEMMs do not fight its own parallel loop.
      return BlasThreads.singleThreaded(() -> torch.scaled_dot_product_attention(q, k, v));
    }
    // q scaled before the product, as timm does.
    Tensor qs = q.mul(new Scalar(1.0 / Math.sqrt(q.size(3)))); // (B, H, N, D)
    Tensor scores =
        torch.matmul(qs, k.transpose(-2, -1)).to(torch.ScalarType.Float); // (B, H, N, N)
    Tensor p = torch.softmax(scores, -1);
    if (training && attnDrop > 0) {
      p = torch.dropout(p, attnDrop, true);
    }
    return torch.matmul(p.to(q.scalar_type()), v); // (B, H, N, D)
  }
}
