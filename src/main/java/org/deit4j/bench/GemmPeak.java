package org.deit4j.bench;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Precision;

/**
 * The machine's measured matrix-multiply peak, the denominator of model-FLOP utilisation: {@code
 * torch.mm} of two square matrices in the precision under test, with the current libtorch thread
 * count. fp32 runs libtorch's BLAS (OpenBLAS here), bf16 runs oneDNN, exactly the kernels the
 * models' linear layers use, so MFU says how close a model gets to what its GEMMs can do on this
 * machine.
 */
public final class GemmPeak {
  /** Matrix size: large enough to be compute-bound (8.6 GFLOP per product at 2048). */
  public static final int DEFAULT_SIZE = 2048;

  private GemmPeak() {}

  /**
   * GFLOP/s (2·n³ per product) of {@code n × n} products at precision {@code p}: median of at least
   * 5 timed products and {@code minSeconds}, after 2 untimed ones.
   */
  public static double measure(Precision p, int n, double minSeconds) {
    Engine.init();
    torch.ScalarType t = p == Precision.BF16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float;
    Tensor a = torch.randn(n, n).to(t);
    Tensor b = torch.randn(n, n).to(t);
    try {
      Timing.Result r = Timing.median(() -> torch.mm(a, b), 2, 5, minSeconds);
      return 2.0 * n * n * n / r.medianSeconds() / 1e9;
    } finally {
      a.close();
      b.close();
    }
  }
}
