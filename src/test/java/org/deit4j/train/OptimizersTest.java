package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm1dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deit/timm parameter groups and torch clip_grad_norm_. */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class OptimizersTest {
  @BeforeAll
  static void init() {
    Engine.init();
  }

  /** A stand-in with ViT parameter names: tokens, pos_embed, a block with norm and linear, head. */
  static final class TinyVit extends Module {
    TinyVit() {
      register_parameter("cls_token", torch.zeros(1, 1, 4));
      register_parameter("dist_token", torch.zeros(1, 1, 4));
      register_parameter("pos_embed", torch.zeros(1, 3, 4));
      Module blocks = register_module("blocks", new Module());
      Module block = blocks.register_module("0", new Module());
      block.register_module("norm1", new BatchNorm1dImpl(new BatchNormOptions(4)));
      block.register_module("fc", new LinearImpl(4, 4));
      register_module("head", new LinearImpl(4, 3));
      Tensor frozen = torch.zeros(2, 2);
      frozen.requires_grad_(false);
      register_parameter("frozen", frozen, false);
    }
  }

  @Test
  void deitWeightDecayGroups() {
    try (PointerScope s = new PointerScope()) {
      TinyVit m = new TinyVit();
      List<ParamGroup> groups =
          Optimizers.weightDecayGroups(m, 0.05, Optimizers.VIT_NO_WEIGHT_DECAY);
      assertEquals(2, groups.size());
      assertEquals(0.0, groups.get(0).weightDecay());
      assertEquals(0.05, groups.get(1).weightDecay());
      assertEquals(
          Set.of(
              "cls_token",
              "dist_token",
              "pos_embed",
              "blocks.0.norm1.weight",
              "blocks.0.norm1.bias",
              "blocks.0.fc.bias",
              "head.bias"),
          groups.get(0).params().keySet());
      assertEquals(Set.of("blocks.0.fc.weight", "head.weight"), groups.get(1).params().keySet());

      // weight decay 0: timm does not split
      List<ParamGroup> one = Optimizers.weightDecayGroups(m, 0.0, Optimizers.VIT_NO_WEIGHT_DECAY);
      assertEquals(1, one.size());
      assertEquals(9, one.get(0).params().size());

      try (AdamW opt = Optimizers.deitAdamW(m, 1e-3, Optimizers.DEIT_WEIGHT_DECAY)) {
        assertEquals(2, opt.numGroups());
        assertEquals(0.05, opt.weightDecay(1));
        assertEquals(List.of("blocks.0.fc.weight", "head.weight"), opt.groupNames(1));
      }
    }
  }

  @Test
  void clipGradNormLikeTorch() {
    try (PointerScope s = new PointerScope()) {
      Tensor a = Tensors.floats(new float[] {0f, 0f}, 2).requires_grad_(true);
      Tensor b = Tensors.floats(new float[] {0f}, 1).requires_grad_(true);
      Tensor none = Tensors.floats(new float[] {0f}, 1).requires_grad_(true);
      // grads (3, 4) and (12): total norm 13
      a.mul(Tensors.floats(new float[] {3f, 4f}, 2))
          .sum()
          .add(b.mul(Tensors.floats(new float[] {12f}, 1)).sum())
          .backward();
      double total = Optimizers.clipGradNorm(List.of(a, b, none), 6.5);
      assertEquals(13.0, total, 1e-6);
      double coef = 6.5 / (13.0 + 1e-6);
      float[] ga = Tensors.toFloats(a.grad());
      assertEquals(3 * coef, ga[0], 1e-6);
      assertEquals(4 * coef, ga[1], 1e-6);
      assertEquals(12 * coef, Tensors.toFloats(b.grad())[0], 1e-6);
      // below the threshold: unchanged (multiplied by exactly 1)
      double again = Optimizers.clipGradNorm(List.of(a, b), 100);
      assertEquals(6.5, again, 1e-5);
      assertArrayEquals(ga, Tensors.toFloats(a.grad()));
      assertTrue(Optimizers.clipGradNorm(List.of(none), 1.0) == 0.0);
    }
  }
}
