package org.deit4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deit4j.engine.Engine;
import org.deit4j.model.VisionTransformer;
import org.deit4j.model.VitConfig;
import org.deit4j.teacher.RegNet;
import org.deit4j.teacher.RegNetConfig;

/** Builds any classifier deit4j knows by its timm name: ViT/DeiT presets and RegNetY presets. */
public final class Models {
  private Models() {}

  /** True if {@code name} is a known model. */
  public static boolean known(String name) {
    return VitConfig.isPreset(name) || RegNetConfig.presetNames().contains(name);
  }

  /**
   * Creates a freshly initialised model.
   *
   * @param name timm preset name
   * @param args timm keyword overrides; RegNet accepts {@code num_classes}, {@code stem_stride},
   *     {@code in_chans}, {@code drop_rate}
   * @param numClasses class count (overrides the preset's and any {@code num_classes} arg)
   * @param dropPath stochastic depth for ViTs (ignored for RegNet)
   * @param drop dropout rate
   */
  public static Classifier create(
      String name, Map<String, String> args, int numClasses, double dropPath, double drop) {
    return create(name, args, numClasses, dropPath, drop, true);
  }

  /**
   * Like {@link #create(String, Map, int, double, double)}; {@code initWeights} false skips the
   * random initialisation, for a model a strict weight load fills next (eval, predict, a teacher
   * from a file): seconds saved for the larger presets.
   */
  public static Classifier create(
      String name,
      Map<String, String> args,
      int numClasses,
      double dropPath,
      double drop,
      boolean initWeights) {
    Engine.init();
    if (VitConfig.isPreset(name)) {
      Map<String, String> a = new LinkedHashMap<>();
      a.put("drop_path_rate", Double.toString(dropPath));
      a.put("drop_rate", Double.toString(drop));
      a.putAll(args);
      a.put("num_classes", Integer.toString(numClasses));
      return Classifier.of(new VisionTransformer(VitConfig.preset(name).withArgs(a), initWeights));
    }
    if (RegNetConfig.presetNames().contains(name)) {
      return Classifier.of(new RegNet(regNetConfig(name, args, numClasses, drop), initWeights));
    }
    throw new IllegalArgumentException(
        "unknown model '"
            + name
            + "'; ViT presets: "
            + VitConfig.presetNames()
            + "; RegNetY presets: "
            + RegNetConfig.presetNames());
  }

  /**
   * Rebuilds a checkpoint's model with its weights (the EMA's when {@code ema} and present), as
   * {@code eval} and {@code predict} need it.
   */
  public static Classifier fromCheckpoint(Checkpoint c, boolean ema) {
    TrainConfig cfg = c.config();
    Classifier m = create(cfg.model(), cfg.modelArgs(), c.classes().size(), 0, 0, false);
    org.deit4j.io.StateDict.load(
        m.module(), ema && !c.ema().isEmpty() ? c.ema() : c.model(), true, k -> false);
    return m;
  }

  static RegNetConfig regNetConfig(
      String name, Map<String, String> args, int numClasses, double drop) {
    RegNetConfig c = RegNetConfig.preset(name).withNumClasses(numClasses);
    if (drop > 0) {
      c = c.withDropRate(drop);
    }
    for (Map.Entry<String, String> e : args.entrySet()) {
      String v = e.getValue().trim();
      switch (e.getKey()) {
        case "stem_stride" -> c = c.withStemStride(Integer.parseInt(v));
        case "in_chans" -> c = c.withInChans(Integer.parseInt(v));
        case "drop_rate" -> c = c.withDropRate(Double.parseDouble(v));
        case "num_classes" -> {} // the data decides
        default ->
            throw new IllegalArgumentException(
                "unknown RegNet argument '" + e.getKey() + "' (stem_stride, in_chans, drop_rate)");
      }
    }
    return c;
  }
}
