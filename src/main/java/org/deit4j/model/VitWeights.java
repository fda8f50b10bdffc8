package org.deit4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deit4j.io.HostTensor;
import org.deit4j.io.StateDict;

/**
 * Loading timm/deit checkpoints into a {@link VisionTransformer}, in the spirit of timm's {@code
 * checkpoint_filter_fn}: rename original-spelling keys, resample {@code pos_embed} when the grid
 * differs, and (non-strict) drop classifier heads whose class count differs.
 */
public final class VitWeights {
  private VitWeights() {}

  /** Keys that fine-tuning may drop when their shape differs (deit {@code --finetune}). */
  public static boolean isHeadKey(String key) {
    return key.startsWith("head.") || key.startsWith("head_dist.");
  }

  /**
   * Adapts a state dict to {@code config}: resamples {@code pos_embed} to the model's grid if the
   * file's grid differs (prefix rows kept), leaves every other tensor as is.
   */
  public static Map<String, HostTensor> adapt(
      VitConfig config, Map<String, HostTensor> weights, PosEmbed.Interpolation mode) {
    Map<String, HostTensor> out = new LinkedHashMap<>(weights);
    HostTensor pe = out.get("pos_embed");
    if (pe != null && pe.shape().length == 3 && pe.shape()[1] != config.posEmbedLength()) {
      int prefix = config.noEmbedClass() ? 0 : config.numPrefixTokens();
      out.put("pos_embed", PosEmbed.resample(pe, prefix, config.gridSize(), mode));
    }
    return out;
  }

  /**
   * Adapts and loads weights.
   *
   * @param strict see {@link StateDict#load}; non-strict drops mismatched heads
   */
  public static StateDict.LoadReport load(
      VisionTransformer model,
      Map<String, HostTensor> weights,
      boolean strict,
      PosEmbed.Interpolation mode) {
    return StateDict.load(
        model, adapt(model.config(), weights, mode), strict, VitWeights::isHeadKey);
  }
}
