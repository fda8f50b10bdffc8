package org.deit4j.bench;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.OneDnn;
import org.deit4j.engine.Precision;
import org.deit4j.model.VitConfig;

/**
 * The GEMM floor of a ViT: the time of its matrix products alone, each timed as a bare {@code
 * torch.mm} / {@code torch.bmm} (bf16 inference linears also on oneDNN's prepacked weights, the
 * faster counts) at the model's exact shapes, summed. Nothing that runs the model (which also needs
 * norms, softmax, GELU, residual adds, casts, the optimizer) can beat it with the same GEMM
 * kernels, so it bounds what fusing every other op could ever gain, where {@link GemmPeak} (one
 * large square product) bounds nothing in particular for a model whose products are thin (DeiT-Ti's
 * K = 192).
 *
 * <p>A forward runs per block qkv, proj, fc1, fc2 ({@code (B·T, K) × (K, N)}) and the two attention
 * products per head ({@code (T, D) × (D, T)}, {@code (T, T) × (T, D)}), plus the patch projection
 * and the heads. A training step adds, per linear, {@code dX = dY·W} and {@code dW = dYᵀ·X} (the
 * patch projection only {@code dW}: images need no gradient) and, per attention, the four backward
 * products {@code dP = dO·Vᵀ}, {@code dV = Pᵀ·dO}, {@code dQ = dS·K}, {@code dK = dSᵀ·Q}.
 */
public final class GemmFloor {
  private GemmFloor() {}

  /**
   * One distinct product, run {@code count} times per forward or step: {@code batch} independent
   * {@code (m, k) × (k, n)} products ({@code batch} = 1 for a plain GEMM); {@code transA} reads the
   * left operand transposed (a weight gradient's {@code dYᵀ}), {@code transB} the right one (a
   * forward's {@code Wᵀ}, attention's {@code kᵀ}), so each runs with its model's memory layout.
   */
  public record Gemm(
      String name, long batch, long m, long k, long n, boolean transA, boolean transB, int count) {
    /** Floating-point operations of all {@code count} runs. */
    public double flops() {
      return 2.0 * batch * m * k * n * count;
    }
  }

  /** Result: per-product median times and their sum. */
  public record Result(List<Gemm> gemms, double[] msEach, double totalMs, double gflop) {
    /** Images/s the model could reach if everything but its GEMMs took no time. */
    public double imagesPerSecond(int batch) {
      return batch / (totalMs / 1000);
    }

    /** GFLOP/s the GEMMs themselves reach at these shapes. */
    public double gemmGflops() {
      return gflop / (totalMs / 1000);
    }
  }

  /** The products of one forward ({@code train} false) or training step of {@code c}. */
  public static List<Gemm> gemms(VitConfig c, int batch, boolean train) {
    long d = c.embedDim();
    long hidden = c.mlpHidden();
    long t = c.numPatches() + c.numPrefixTokens(); // tokens
    long rows = (long) batch * t; // B·T
    long heads = c.numHeads();
    long hd = c.headDim();
    long bh = batch * heads;
    int depth = c.depth();
    List<Gemm> g = new ArrayList<>();
    long patchK = (long) c.inChans() * c.patchSize() * c.patchSize();
    long patchRows = (long) batch * c.numPatches();
    g.add(new Gemm("patch_embed", 1, patchRows, patchK, d, false, true, 1));
    if (train) {
      g.add(new Gemm("patch_embed dW", 1, d, patchRows, patchK, true, false, 1));
    }
    linear(g, "qkv", rows, d, 3 * d, depth, train);
    g.add(new Gemm("attn q·kᵀ", bh, t, hd, t, false, true, depth));
    g.add(new Gemm("attn p·v", bh, t, t, hd, false, false, depth));
    if (train) {
      g.add(new Gemm("attn dP=dO·vᵀ", bh, t, hd, t, false, true, depth));
      g.add(new Gemm("attn dQ=dS·k", bh, t, t, hd, false, false, depth));
      g.add(new Gemm("attn dV=pᵀ·dO, dK=dSᵀ·q", bh, t, t, hd, true, false, 2 * depth));
    }
    linear(g, "proj", rows, d, d, depth, train);
    linear(g, "fc1", rows, d, hidden, depth, train);
    linear(g, "fc2", rows, hidden, d, depth, train);
    if (c.numClasses() > 0) {
      linear(g, "heads", batch, d, c.numClasses(), c.distilled() ? 2 : 1, train);
    }
    return g;
  }

  private static void linear(
      List<Gemm> g, String name, long rows, long in, long out, int count, boolean train) {
    g.add(new Gemm(name, 1, rows, in, out, false, true, count)); // X·Wᵀ, W stored (out, in)
    if (train) {
      g.add(new Gemm(name + " dX", 1, rows, out, in, false, false, count)); // dY·W
      g.add(new Gemm(name + " dW", 1, out, rows, in, true, false, count)); // dYᵀ·X
    }
  }

  /** A forward linear's {@code X·Wᵀ} in bf16 inference, which can run on a prepacked weight. */
  private static boolean packedKernelApplies(Gemm gm, torch.ScalarType type, boolean train) {
    return !train
        && type == torch.ScalarType.BFloat16
        && gm.batch() == 1
        && gm.transB()
        && !gm.transA()
        && OneDnn.enabled();
  }

  /**
   * Times every product of {@link #gemms} at precision {@code p} (median of {@code runs}); a bf16
   * inference linear takes the faster of {@code torch.mm} and oneDNN on a prepacked weight ({@link
   * OneDnn#prepackLinearWeight}), the kernel the model runs.
   */
  public static Result measure(VitConfig c, int batch, Precision p, boolean train, int runs) {
    Engine.init();
    torch.ScalarType type =
        p == Precision.BF16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float;
    List<Gemm> list = gemms(c, batch, train);
    double[] ms = new double[list.size()];
    double total = 0;
    double flops = 0;
    for (int i = 0; i < list.size(); i++) {
      Gemm gm = list.get(i);
      try (PointerScope scope = new PointerScope()) {
        // A transposed operand is stored the other way round and read through a transposed view.
        Tensor a =
            gm.transA()
                ? torch.randn(gm.batch(), gm.k(), gm.m()).to(type).transpose(1, 2)
                : torch.randn(gm.batch(), gm.m(), gm.k()).to(type); // (batch, m, k)
        Tensor b =
            gm.transB()
                ? torch.randn(gm.batch(), gm.n(), gm.k()).to(type).transpose(1, 2)
                : torch.randn(gm.batch(), gm.k(), gm.n()).to(type); // (batch, k, n)
        Runnable run =
            gm.batch() == 1
                ? () -> torch.mm(a.select(0, 0), b.select(0, 0))
                : () -> torch.bmm(a, b);
        ms[i] = Timing.median(run, 1, runs, 0).medianSeconds() * 1000;
        if (packedKernelApplies(gm, type, train)) {
          // bf16 inference runs its linears on weights prepacked for oneDNN: the floor is the
          // faster of the two kernels.
          Tensor w = OneDnn.prepackLinearWeight(b.select(0, 0).t().contiguous()); // (n, k)
          Tensor x = a.select(0, 0);
          Runnable packed = () -> OneDnn.linear(x, w, null, OneDnn.Activation.NONE);
          ms[i] = Math.min(ms[i], Timing.median(packed, 1, runs, 0).medianSeconds() * 1000);
        }
      }
      total += ms[i] * gm.count();
      flops += gm.flops();
    }
    return new Result(list, ms, total, flops / 1e9);
  }
}
