package org.deit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BatchNorm folded into the conv (inference path) against conv → BN → ReLU (autograd path). */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class FoldedConvBnTest {
  @BeforeAll
  static void init() {
    Engine.init();
    torch.manual_seed(3);
  }

  /** Non-trivial BN statistics and affine parameters, as a trained teacher has. */
  private static void randomiseBn(ConvNormAct c) {
    try (NoGradGuard g = new NoGradGuard()) {
      c.bn.running_mean().copy_(torch.randn(c.bn.running_mean().size(0)));
      c.bn.running_var().copy_(torch.rand(c.bn.running_var().size(0)).add(new Scalar(0.5)));
      c.bn.weight().copy_(torch.randn(c.bn.weight().size(0)));
      c.bn.bias().copy_(torch.randn(c.bn.bias().size(0)));
    }
  }

  private static double foldedVsPlain(ConvNormAct c, Tensor x) {
    Tensor plain = c.forward(x); // grad mode on: conv, BN, ReLU as separate ops
    Tensor folded;
    try (NoGradGuard g = new NoGradGuard()) {
      folded = c.forward(x);
    }
    return Tensors.maxAbsDiff(folded, plain.detach());
  }

  @Test
  void foldedEqualsConvThenBatchNormForPlainStridedAndGroupedConvs() {
    int[][] cases = {{16, 32, 3, 1, 1}, {16, 32, 3, 2, 1}, {32, 32, 3, 1, 8}, {16, 48, 1, 2, 1}};
    try (PointerScope s = new PointerScope()) {
      for (int[] k : cases) {
        ConvNormAct c = new ConvNormAct(k[0], k[1], k[2], k[3], k[4], true);
        randomiseBn(c);
        c.eval();
        double err = foldedVsPlain(c, torch.randn(2, k[0], 14, 14));
        assertTrue(err < 1e-4, java.util.Arrays.toString(k) + ": " + err);
      }
    }
  }

  @Test
  void changedStatisticsOrWeightsRefold() {
    try (PointerScope s = new PointerScope()) {
      ConvNormAct c = new ConvNormAct(8, 8, 3, 1, 1, false);
      c.eval();
      Tensor x = torch.randn(1, 8, 6, 6);
      assertTrue(foldedVsPlain(c, x) < 1e-5);
      randomiseBn(c); // e.g. a training epoch or a checkpoint load in between
      assertTrue(foldedVsPlain(c, x) < 1e-4, "stale BN statistics in the folded conv");
      try (NoGradGuard g = new NoGradGuard()) {
        c.conv.weight().mul_(new Scalar(-1.0));
      }
      assertTrue(foldedVsPlain(c, x) < 1e-4, "stale conv weight in the folded conv");
    }
  }
}
