package org.deit4j.peers;

import java.util.Map;

/**
 * Cost of one image through a timm DeiT model, counted as deit4j's {@code ModelStats.gflops} counts
 * it (2 × the multiply-accumulates of the matrix products: patch projection, qkv, attention scores
 * and weighted sum, output projection, MLP, heads; norms, softmax, GELU and adds ignored, like
 * fvcore). Kept as a copy of the formula, not a dependency, so this harness stays outside the
 * product build.
 */
final class VitCost {
  private VitCost() {}

  /** Embedding width and depth of the DeiT models this harness knows (timm's configs). */
  private record Dims(int embedDim, int depth, boolean distilled) {}

  private static final Map<String, Dims> MODELS =
      Map.of(
          "deit_tiny_patch16_224", new Dims(192, 12, false),
          "deit_small_patch16_224", new Dims(384, 12, false),
          "deit_base_patch16_224", new Dims(768, 12, false),
          "deit_tiny_distilled_patch16_224", new Dims(192, 12, true),
          "deit_small_distilled_patch16_224", new Dims(384, 12, true),
          "deit_base_distilled_patch16_224", new Dims(768, 12, true));

  /**
   * GFLOPs per image at 224 px, patch 16, MLP ratio 4, 1000 classes; NaN for an unknown model.
   *
   * @param model timm model name
   */
  static double gflopsPerImage(String model) {
    Dims m = MODELS.get(model);
    if (m == null) {
      return Double.NaN;
    }
    long d = m.embedDim();
    long patches = (224 / 16) * (224 / 16); // 196
    long tokens = patches + (m.distilled() ? 2 : 1); // + cls (+ dist) token
    long macs = patches * d * 3 * 16 * 16; // patch projection
    long block = 0;
    block += tokens * d * 3 * d; // qkv
    block += 2 * tokens * tokens * d; // q k^T and attn v, summed over heads
    block += tokens * d * d; // proj
    block += 2 * tokens * d * 4 * d; // fc1 + fc2
    macs += block * m.depth();
    macs += (m.distilled() ? 2 : 1) * d * 1000; // head (+ head_dist)
    return 2.0 * macs / 1e9;
  }
}
