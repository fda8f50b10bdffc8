package org.deit4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Autocast;
import org.deit4j.engine.BlasThreads;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Precision;
import org.deit4j.engine.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Attention}'s two paths (fused SDPA for fp32; {@code baddbmm} with the scale as {@code
 * alpha} and softmax in the working dtype otherwise) against timm's formula written out with plain
 * ops: {@code proj(softmax(q k^T / sqrt(D)) v)}.
 */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class AttentionTest {
  private static final int DIM = 96;
  private static final int HEADS = 3; // head_dim 32: the scale 1/sqrt(32) is not a power of two

  @BeforeAll
  static void init() {
    Engine.init();
    torch.manual_seed(11);
  }

  /** timm {@code Attention.forward} with {@code fused_attn = False}, fp32, from the weights. */
  private static Tensor reference(Attention a, Tensor x) {
    long b = x.size(0);
    long n = x.size(1);
    long d = DIM / HEADS;
    Tensor qkv =
        a.qkv().forward(x).reshape(b, n, 3, HEADS, d).permute(2, 0, 3, 1, 4); // (3, B, H, N, D)
    Tensor q = qkv.select(0, 0).mul(new Scalar(1.0 / Math.sqrt(d))); // (B, H, N, D)
    Tensor attn = torch.softmax(torch.matmul(q, qkv.select(0, 1).transpose(-2, -1)), -1);
    Tensor o = torch.matmul(attn, qkv.select(0, 2)).transpose(1, 2).reshape(b, n, DIM); // (B,N,C)
    return a.proj().forward(o);
  }

  @Test
  void everyPathMatchesTimmsFormulaInFp32() {
    try (PointerScope s = new PointerScope()) {
      Attention a = new Attention(DIM, HEADS, true, 0, 0);
      Tensor x = torch.randn(4, 17, DIM);
      Tensor want;
      try (NoGradGuard g = new NoGradGuard()) {
        want = reference(a, x);
        a.eval();
        Tensor fused = a.forward(x); // inference: SDPA
        assertTrue(
            Tensors.maxAbsDiff(fused, want) < 1e-5,
            "SDPA inference: " + Tensors.maxAbsDiff(fused, want));
      }
      a.train(true);
      Tensor explicit = a.forward(x); // training: SDPA under autograd
      assertTrue(
          Tensors.maxAbsDiff(explicit, want) < 1e-5,
          "SDPA training: " + Tensors.maxAbsDiff(explicit, want));
    }
  }

  @Test
  void theNonFusedPathMatchesTimmsFormulaInFp32() {
    try (PointerScope s = new PointerScope()) {
      long d = DIM / HEADS;
      Tensor q = torch.randn(3, HEADS, 11, d);
      Tensor k = torch.randn(3, HEADS, 11, d);
      Tensor v = torch.randn(3, HEADS, 11, d);
      Tensor attn =
          torch.softmax(
              torch.matmul(q.mul(new Scalar(1.0 / Math.sqrt(d))), k.transpose(-2, -1)), -1);
      Tensor want = torch.matmul(attn, v); // (B, H, N, D)
      Tensor got = Attention.explicit(q, k, v, 0);
      assertTrue(
          Tensors.maxAbsDiff(got, want) < 1e-5, "explicit: " + Tensors.maxAbsDiff(got, want));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {9, (int) Attention.FUSED_BACKWARD_MIN_TOKENS}) // non-fused, fused backward
  void trainingGradientsMatchTimmsFormula(int tokens) {
    try (PointerScope s = new PointerScope()) {
      Attention a = new Attention(DIM, HEADS, true, 0, 0);
      a.train(true);
      Tensor x0 = torch.randn(2, tokens, DIM);
      Tensor w = torch.randn(2, tokens, DIM); // a non-uniform upstream gradient
      Tensor x = x0.detach().requires_grad_(true);
      a.forward(x).mul(w).sum().backward();
      Tensor gotX = x.grad().clone();
      Tensor gotW = a.qkv().weight().grad().clone();
      a.qkv().weight().grad().zero_();
      Tensor xr = x0.detach().requires_grad_(true);
      reference(a, xr).mul(w).sum().backward();
      double dx = Tensors.maxAbsDiff(gotX, xr.grad());
      double dw = Tensors.maxAbsDiff(gotW, a.qkv().weight().grad());
      assertTrue(dx < 1e-5 && dw < 1e-4, tokens + " tokens: dx " + dx + ", dW_qkv " + dw);
      assertEquals(0, BlasThreads.openBackwardSections());
    }
  }

  @Test
  void bf16SoftmaxInItsOwnDtypeStaysWithinBf16RoundingOfFp32() {
    try (PointerScope s = new PointerScope()) {
      Attention a = new Attention(DIM, HEADS, true, 0, 0);
      a.train(true);
      Tensor x = torch.randn(4, 33, DIM);
      Tensor want;
      try (NoGradGuard g = new NoGradGuard()) {
        want = reference(a, x);
      }
      Tensor got = Autocast.get(Precision.BF16, () -> a.forward(x)).to(torch.ScalarType.Float);
      // Relative to the output's scale: bf16 keeps 8 significant bits (2^-8 = 0.4 %); three bf16
      // GEMMs and the rounded probabilities stay within a few of those.
      double scale = want.abs().max().item_double();
      double err = Tensors.maxAbsDiff(got, want) / scale;
      assertTrue(err < 0.03, "bf16 relative error " + err);
      assertTrue(err > 0, "bf16 must actually have run in bf16");
    }
  }

  @Test
  void fp32BackwardRunsOpenBlasSingleThreadedInsideTheFusedKernelOnly() {
    int configured = BlasThreads.configured();
    assumeTrue(configured > 1, "needs a multi-core machine");
    try (PointerScope s = new PointerScope()) {
      Attention a = new Attention(DIM, HEADS, true, 0, 0);
      long n = Attention.FUSED_BACKWARD_MIN_TOKENS;
      Tensor q = torch.randn(2, HEADS, n, DIM / HEADS).requires_grad_(true);
      Tensor k = torch.randn(2, HEADS, n, DIM / HEADS).requires_grad_(true);
      Tensor v = torch.randn(2, HEADS, n, DIM / HEADS).requires_grad_(true);
      Tensor o = a.attention(q, k, v, true);
      int[] seen = {-1};
      VoidTensorHook probe =
          new VoidTensorHook() {
            @Override
            public void call(TensorBase grad) {
              seen[0] = BlasThreads.current(); // runs after the kernel's own "enter" hook
            }
          };
      o.register_hook(probe);
      assertEquals(configured, BlasThreads.current(), "forward leaves the count as it was");
      o.sum().backward();
      assertEquals(1, seen[0], "single-threaded when the fused backward starts");
      assertEquals(0, BlasThreads.openBackwardSections());
      assertEquals(configured, BlasThreads.current(), "restored once q's gradient is out");
      assertTrue(q.grad().defined() && k.grad().defined() && v.grad().defined());
    }
  }

  @Test
  void fusedTrainingAttentionKeepsResidentMemoryFlat() {
    // Hooks registered every step, OpenBLAS's thread count switched four times per step: a leak
    // of a hook, a tensor or a callback per step would show (196 KiB per step: +78 MiB). OpenBLAS
    // itself takes buffers over its first ~2,000 switches (BlasThreads), hence the warm-ups.
    // Past OpenBLAS's own growth first, whatever this JVM switched before: 8,000 switches.
    for (int i = 0; i < 4000; i++) {
      BlasThreads.singleThreaded(() -> null);
    }
    Attention a = new Attention(DIM, HEADS, true, 0, 0);
    a.train(true);
    double[] rss = new double[2];
    for (int step = 1; step <= 1000; step++) {
      try (PointerScope s = new PointerScope()) {
        Tensor x = torch.randn(4, Attention.FUSED_BACKWARD_MIN_TOKENS, DIM).requires_grad_(true);
        a.forward(x).sum().backward();
      } finally {
        BlasThreads.closeBackwardSections();
      }
      if (step == 600 || step == 1000) {
        System.gc();
        rss[step == 600 ? 0 : 1] = org.deit4j.train.Memory.rssMb();
      }
    }
    System.out.printf(
        "[memory] fused attention: rss %.1f MiB at step 600, %.1f at 1000%n", rss[0], rss[1]);
    assertTrue(rss[1] < rss[0] * 1.05, "resident memory grew from " + rss[0] + " to " + rss[1]);
  }
}
