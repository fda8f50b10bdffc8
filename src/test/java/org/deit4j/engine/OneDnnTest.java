package org.deit4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.OneDnn.Activation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fp32 weight-packing guard: its probe must predict whether a packed weight is right. */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class OneDnnTest {
  @BeforeAll
  static void init() {
    Engine.init();
    torch.manual_seed(11);
  }

  /** Whether {@code packed} gives {@code w}'s products at several row counts (random inputs). */
  private static boolean rightEverywhere(Tensor w, Tensor packed) {
    for (long rows : new long[] {1, 7, 197, 408}) {
      Tensor x = torch.randn(rows, w.size(1));
      Tensor want = torch.matmul(x, w.t());
      Tensor got = OneDnn.linear(x, packed, null, Activation.NONE);
      double scale = want.abs().max().item_double();
      if (got.sub(want).abs().max().item_double() > 1e-4 * scale) {
        return false;
      }
    }
    return true;
  }

  @Test
  void probeVerdictEqualsAFullCheckForRightAndWrongPackings() {
    // Output sizes where libtorch 2.10's raw fp32 reorder was right (192, 576) and wrong (96,
    // 1000) in a scan; if a later libtorch fixes it, both sides simply agree on "right".
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      for (long n : new long[] {96, 192, 576, 1000}) {
        Tensor w = torch.randn(n, 192).mul(new Scalar(0.07));
        Tensor packed = OneDnn.reorder(w);
        assertEquals(
            rightEverywhere(w, packed), OneDnn.packedAgrees(w, packed), "output size " + n);
      }
    }
  }

  @Test
  void fp32PacksOnlyTrustedOutputSizesAndBf16Always() {
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      assertNull(OneDnn.prepackLinearWeight(torch.randn(96, 192)), "96: not a multiple of 64");
      assertNull(OneDnn.prepackLinearWeight(torch.randn(1000, 192)), "the classifier head");
      assertNull(OneDnn.prepackLinearWeight(torch.randn(64, 192)), "64: below 128");
      Tensor packed = OneDnn.prepackLinearWeight(torch.randn(576, 192));
      assertNotNull(packed, "DeiT-Ti's qkv");
      assertEquals(torch.Layout.Mkldnn, packed.layout().intern());
      assertNotNull(
          OneDnn.prepackLinearWeight(torch.randn(96, 192).to(torch.ScalarType.BFloat16)), "bf16");
    }
  }
}
