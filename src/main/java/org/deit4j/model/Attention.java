package org.deit4j.model;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
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

  /**
   * Fewest tokens for which fp32 attention under autograd takes the fused kernel: forward +
   * backward of one block (plus a projection), 2 threads, fused against the non-fused path in a
   * scratch harness: 65 tokens 29.6 vs 22.6 ms, 100 tokens 43.5 vs 44.0, 145 tokens 61.7 vs 80.8,
   * 197 tokens (DeiT-S shapes) 89.7 vs 117.0; ViT-FM's 50 tokens 25.7 vs 24.2. Short sequences stay
   * non-fused.
   */
  static final long FUSED_BACKWARD_MIN_TOKENS = 128;

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
   *   <li>fp32 (under autograd from {@link #FUSED_BACKWARD_MIN_TOKENS} tokens): libtorch's fused
   *       {@code scaled_dot_product_attention}. Its CPU kernels (forward and backward) call BLAS
   *       from inside their own parallel loop; with OpenBLAS also running 2 threads the two pools
   *       fight (one DeiT-Ti block at batch 64, forward + backward, scratch harness: 1,180 ms), so
   *       OpenBLAS is single-threaded for the forward call ({@link BlasThreads#singleThreaded})
   *       and, through tensor hooks, for the backward ({@link BlasThreads#singleThreadedBackward}):
   *       49 ms, against 93 ms for the path below. Inference, DeiT-Ti batch 32: 85.6 against 80.1
   *       img/s (scratch-build switch).
   *   <li>bf16, fp32 training with attention dropout or short sequences: timm's non-fused path
   *       ({@code fused_attn = False}) as one {@code baddbmm} whose {@code alpha} applies the scale
   *       (no separate pass over q; exact for D = 64, where the scale is 1/8), then softmax in q's
   *       dtype. In bf16 libtorch's CPU softmax and its backward compute in fp32 internally and
   *       round once on output; the probabilities would be rounded to bf16 for the second product
   *       anyway, so this equals autocast's fp32 softmax-then-cast while skipping four conversions
   *       of the (B, H, N, N) scores per block (DeiT-Ti, batch 64, one block's attention forward +
   *       backward, scratch harness: 34.6 to 30.7 ms). libtorch's bf16 fused kernel is ~50x slower
   *       than this on CPU (160 ms against 3 ms for (8, 3, 197, 64)).
   * </ul>
   */
  Tensor attention(Tensor q, Tensor k, Tensor v, boolean training) {
    boolean dropout = training && attnDrop > 0;
    boolean backward = GradMode.is_enabled() && q.requires_grad();
    if (!dropout
        && q.scalar_type().intern() == torch.ScalarType.Float
        && !torch.is_autocast_enabled(torch.DeviceType.CPU)
        && (!backward || q.size(2) >= FUSED_BACKWARD_MIN_TOKENS)) {
      Tensor o = BlasThreads.singleThreaded(() -> torch.scaled_dot_product_attention(q, k, v));
      if (o.requires_grad() && q.requires_grad()) {
        BlasThreads.singleThreadedBackward(o, q); // q's gradient comes out of this op's backward
      }
      return o;
    }
    return explicit(q, k, v, dropout ? attnDrop : 0);
  }

  /**
   * timm's non-fused attention ({@code fused_attn = False}) with attention dropout {@code drop} (0:
   * none), (B, H, N, D) -> (B, H, N, D); see {@link #attention}.
   */
  static Tensor explicit(Tensor q, Tensor k, Tensor v, double drop) {
    long b = q.size(0);
    long h = q.size(1);
    long n = q.size(2);
    long d = q.size(3);
    Tensor q3 = q.reshape(b * h, n, d); // (B*H, N, D)
    Tensor kt = k.reshape(b * h, n, d).transpose(1, 2); // (B*H, D, N)
    // beta = 0: the zero "input" is ignored, alpha = scale multiplies the product inside the GEMM.
    Tensor zero = torch.scalar_tensor(new Scalar(0.0), new TensorOptions(q.scalar_type()));
    Tensor scores =
        torch.baddbmm(zero, q3, kt, new Scalar(0.0), new Scalar(1.0 / Math.sqrt(d))); // (B*H, N, N)
    Tensor p = torch.softmax(scores, -1);
    if (drop > 0) {
      p = torch.dropout(p, drop, true);
    }
    return torch.matmul(p.view(b, h, n, n), v); // (B, H, N, D)
  }
}
