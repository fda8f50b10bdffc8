package org.deit4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.StringTensorDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PresetTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "deit_tiny_patch16_224, 5717416",
    "deit_small_patch16_224, 22050664",
    "deit_base_patch16_224, 86567656",
    "deit_tiny_distilled_patch16_224, 5910800",
    "deit_small_distilled_patch16_224, 22436432",
    "deit_base_distilled_patch16_224, 87338192",
    "deit_base_patch16_384, 86859496",
    "deit_base_distilled_patch16_384, 87630032",
    "deit3_small_patch16_224, 22059496",
    "deit3_medium_patch16_224, 38849512",
    "deit3_base_patch16_224, 86585320",
    "deit3_large_patch16_224, 304374760",
    "vit_fm_patch4_28, 307082",
    "deit_fm_distilled_patch4_28, 307860"
  })
  void parameterCountEqualsTimm(String name, long expected) {
    VitConfig c = VitConfig.preset(name);
    assertEquals(expected, ModelStats.parameterCount(c), "analytic count");
    if (expected > 6_000_000) {
      return; // instantiating the large ones only costs time; the analytic count covers them
    }
    try (PointerScope s = new PointerScope()) {
      VisionTransformer m = new VisionTransformer(c);
      assertEquals(expected, m.parameterCount(), "instantiated count");
      m.close();
    }
  }

  @Test
  void distilledKeysAreTimmKeysInTimmOrder() {
    VitConfig c = VitConfig.preset("deit_tiny_distilled_patch16_224").withDepth(1);
    try (PointerScope s = new PointerScope()) {
      StringTensorDict d = new VisionTransformer(c).named_parameters();
      List<String> first =
          List.of("cls_token", "pos_embed", "dist_token", "patch_embed.proj.weight");
      for (int i = 0; i < first.size(); i++) {
        assertEquals(first.get(i), d.get(i).key().getString());
      }
      assertEquals("blocks.0.norm1.weight", d.get(5).key().getString());
      assertEquals("blocks.0.attn.qkv.weight", d.get(7).key().getString());
      assertEquals("head_dist.bias", d.get(d.size() - 1).key().getString());
    }
  }

  @Test
  void moduleTreeSurvivesGarbageCollection() throws Exception {
    VisionTransformer m = new VisionTransformer(VitConfig.preset("vit_fm_patch4_28"));
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    m.eval(); // recurses through native code into every Java-side child module
    m.train(true);
    assertTrue(m.is_training());
  }

  @Test
  void configValidationAndArgs() {
    VitConfig c = VitConfig.preset("deit_tiny_patch16_224");
    VitConfig d = c.withArgs(Map.of("depth", "2", "num_classes", "10", "img_size", "384"));
    assertEquals(2, d.depth());
    assertEquals(10, d.numClasses());
    assertEquals(24, d.gridSize());
    assertThrows(IllegalArgumentException.class, () -> c.withArgs(Map.of("depht", "2")));
    assertThrows(IllegalArgumentException.class, () -> c.withArgs(Map.of("img_size", "225")));
    assertThrows(IllegalArgumentException.class, () -> c.withArgs(Map.of("num_heads", "5")));
    assertThrows(IllegalArgumentException.class, () -> VitConfig.preset("deit_huge"));
    assertTrue(VitConfig.presetNames().contains("deit3_large_patch16_224"));
  }

  @Test
  void aModelBuiltWithoutInitAndLoadedStrictlyEqualsItsSource() {
    try (PointerScope scope = new PointerScope();
        org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      VitConfig c =
          VitConfig.preset("deit_tiny_distilled_patch16_224").withDepth(2).withImgSize(32);
      VisionTransformer source = new VisionTransformer(c);
      VisionTransformer bare = new VisionTransformer(c, false);
      Map<String, org.deit4j.io.HostTensor> sd = org.deit4j.io.StateDict.save(source);
      // Without timm's init the tokens stay zero: the load below is what makes the models equal.
      assertTrue(
          org.deit4j.io.StateDict.save(bare).get("cls_token").toFloats()[0] == 0f,
          "not initialised");
      org.deit4j.io.StateDict.load(bare, sd, true, k -> false);
      source.eval();
      bare.eval();
      org.bytedeco.pytorch.Tensor x = org.bytedeco.pytorch.global.torch.randn(2, 3, 32, 32);
      double err = org.deit4j.engine.Tensors.maxAbsDiff(source.predict(x), bare.predict(x));
      assertEquals(0.0, err, "same weights, same logits");
    }
  }
}
