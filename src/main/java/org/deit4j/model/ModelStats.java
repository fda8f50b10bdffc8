package org.deit4j.model;

/**
 * Size and cost of a ViT configuration, computed from the config alone (no weights needed).
 *
 * <p>Cost counts multiply-accumulates of the matrix products (patch projection, qkv, attention
 * scores and weighted sum, output projection, MLP, heads); norms, softmax, GELU and adds are
 * ignored, like fvcore (which the DeiT paper's "FLOPs" column uses: 1.3 G for DeiT-Ti is in fact
 * 1.3 G MACs). {@link #gflops} reports 2 × MACs, the figure to compare with hardware FLOP/s.
 */
public final class ModelStats {
  private ModelStats() {}

  /** Parameter count, equal to timm's for the same configuration. */
  public static long parameterCount(VitConfig c) {
    long d = c.embedDim();
    long h = c.mlpHidden();
    long p = c.patchSize();
    long n = 0;
    n += d; // cls_token
    n += (long) c.posEmbedLength() * d; // pos_embed
    if (c.distilled()) {
      n += d; // dist_token
    }
    n += d * c.inChans() * p * p + d; // patch_embed.proj
    long block = 0;
    block += 2 * d; // norm1
    block += 3 * d * d + (c.qkvBias() ? 3 * d : 0); // qkv
    block += d * d + d; // proj
    block += 2 * d; // norm2
    block += d * h + h + h * d + d; // fc1, fc2
    if (c.initValues() != null) {
      block += 2 * d; // ls1.gamma, ls2.gamma
    }
    n += block * c.depth();
    n += 2 * d; // final norm
    if (c.numClasses() > 0) {
      long head = d * c.numClasses() + c.numClasses();
      n += c.distilled() ? 2 * head : head;
    }
    return n;
  }

  /** Multiply-accumulates for one image at the configured size. */
  public static long macsPerImage(VitConfig c) {
    long d = c.embedDim();
    long np = c.numPatches();
    long tokens = np + c.numPrefixTokens();
    long p = c.patchSize();
    long macs = np * d * c.inChans() * p * p; // patch projection
    long block = 0;
    block += tokens * d * 3 * d; // qkv
    block += 2 * tokens * tokens * d; // q k^T and attn v, summed over heads
    block += tokens * d * d; // proj
    block += 2 * tokens * d * c.mlpHidden(); // fc1 + fc2
    macs += block * c.depth();
    if (c.numClasses() > 0) {
      macs += (c.distilled() ? 2 : 1) * d * c.numClasses();
    }
    return macs;
  }

  /** GFLOPs per image (2 × MACs / 1e9). */
  public static double gflops(VitConfig c) {
    return 2.0 * macsPerImage(c) / 1e9;
  }

  /** GMACs per image. */
  public static double gmacs(VitConfig c) {
    return macsPerImage(c) / 1e9;
  }
}
