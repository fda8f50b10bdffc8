package org.deit4j.model;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

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

  public Attention(int dim, int numHeads, boolean qkvBias, double attnDrop, double projDrop) {
    this.numHeads = numHeads;
    this.attnDrop = attnDrop;
    this.projDrop = projDrop;
    LinearOptions qo = new LinearOptions(dim, 3L * dim);
    qo.bias().put(qkvBias);
    qkv = register_module("qkv", new LinearImpl(qo));
    proj = register_module("proj", new LinearImpl(dim, dim));
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
    Tensor qkvOut =
        qkv.forward(x).reshape(b, n, 3, numHeads, d).permute(2, 0, 3, 1, 4); // (3, B, H, N, D)
    Tensor q = qkvOut.select(0, 0); // (B, H, N, D)
    Tensor k = qkvOut.select(0, 1);
    Tensor v = qkvOut.select(0, 2);
    boolean training = is_training();
    Tensor o = attention(q, k, v, training); // (B, H, N, D)
    Tensor merged = o.transpose(1, 2).reshape(b, n, c); // (B, N, C)
    Tensor y = proj.forward(merged);
    return projDrop > 0 && training ? torch.dropout(y, projDrop, true) : y;
  }

  /**
   * {@code softmax(q k^T * scale) v}, written out as timm's non-fused path ({@code fused_attn =
   * False}), with the softmax in fp32 (under bf16 autocast the two products run in bf16 on oneDNN).
   * Scale {@code 1/sqrt(D)} = timm's {@code head_dim ** -0.5}. (B, H, N, D) -> (B, H, N, D).
   *
   * <p>Why not libtorch's fused {@code scaled_dot_product_attention}: on CPU its kernels call BLAS
   * from inside their own parallel loops. With OpenBLAS using its own threads (needed for fp32
   * GEMMs to use more than one core), the two thread pools fight: DeiT-Ti fp32 inference at batch
   * 32 measured 5-6 img/s through SDPA against 58 with the products below (2 cores, OpenBLAS 2
   * threads). In bf16 the fused kernel is ~50x slower than this path (160 ms against 3 ms for
   * DeiT-Ti's (8, 3, 197, 64) attention). The price is the (B, H, N, N) score tensor, small at ViT
   * token counts (197 at 224 px).
   */
  private Tensor attention(Tensor q, Tensor k, Tensor v, boolean training) {
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
