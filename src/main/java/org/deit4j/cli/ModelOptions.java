package org.deit4j.cli;

import java.util.Map;
import org.deit4j.model.VitConfig;
import picocli.CommandLine.Option;

/** {@code --model NAME --model-args k=v,...}: a preset by timm name plus timm keyword overrides. */
public final class ModelOptions {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME",
      description = "Model preset, named as in timm (e.g. deit_tiny_distilled_patch16_224).")
  String model;

  @Option(
      names = "--model-args",
      paramLabel = "K=V[,K=V...]",
      description =
          "timm keyword overrides: img_size, patch_size, in_chans, num_classes, embed_dim, depth,"
              + " num_heads, mlp_ratio, qkv_bias, drop_rate, attn_drop_rate, drop_path_rate,"
              + " distilled, init_values, no_embed_class.")
  String modelArgs;

  /** The configuration these options describe. */
  public VitConfig config() {
    return VitConfig.preset(model).withArgs(args());
  }

  /** The parsed overrides. */
  public Map<String, String> args() {
    return VitConfig.parseArgs(modelArgs);
  }
}
