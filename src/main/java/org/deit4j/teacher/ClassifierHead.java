package org.deit4j.teacher;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * timm {@code ClassifierHead} with average pooling: global mean over H, W, dropout (training only),
 * linear {@code fc}. With 0 classes there is no {@code fc} and the pooled features are returned
 * (timm's {@code nn.Identity}).
 */
final class ClassifierHead extends Module {
  private static final long[] SPATIAL = {2, 3};

  final LinearImpl fc; // null when numClasses == 0
  private final double dropRate;

  ClassifierHead(int inFeatures, int numClasses, double dropRate) {
    this.dropRate = dropRate;
    fc = numClasses > 0 ? register_module("fc", new LinearImpl(inFeatures, numClasses)) : null;
  }

  /** Pooled features (B, C) from a feature map (B, C, H, W). */
  static Tensor pool(Tensor x) {
    return x.mean(SPATIAL); // (B, C)
  }

  /** Logits (B, numClasses) from a feature map (B, C, H, W), or pooled features if headless. */
  Tensor forward(Tensor x, boolean preLogits) {
    Tensor p = pool(x); // (B, C)
    if (dropRate > 0) {
      p = torch.dropout(p, dropRate, is_training());
    }
    return preLogits || fc == null ? p : fc.forward(p); // (B, K)
  }

  void initWeights() {
    if (fc != null) {
      RegNetInit.linear(fc);
    }
  }
}
