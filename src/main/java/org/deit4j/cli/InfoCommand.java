package org.deit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.model.ModelStats;
import org.deit4j.model.VitConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code deit info}: a model's configuration, parameter count and cost per image. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Show a model's configuration, parameter count and GFLOPs per image.")
public final class InfoCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    VitConfig c = model.config();
    Map<String, Object> info = describe(model.model, c);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(info));
    } else {
      for (Map.Entry<String, Object> e : info.entrySet()) {
        out.printf("%-18s %s%n", e.getKey(), e.getValue());
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The facts printed by {@code deit info}, in display order. */
  public static Map<String, Object> describe(String name, VitConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", name);
    m.put("img_size", c.imgSize());
    m.put("patch_size", c.patchSize());
    m.put("in_chans", c.inChans());
    m.put("num_classes", c.numClasses());
    m.put("embed_dim", c.embedDim());
    m.put("depth", c.depth());
    m.put("num_heads", c.numHeads());
    m.put("mlp_ratio", c.mlpRatio());
    m.put("qkv_bias", c.qkvBias());
    m.put("drop_rate", c.dropRate());
    m.put("attn_drop_rate", c.attnDropRate());
    m.put("drop_path_rate", c.dropPathRate());
    m.put("distilled", c.distilled());
    m.put("init_values", c.initValues());
    m.put("no_embed_class", c.noEmbedClass());
    m.put("tokens", c.numPrefixTokens() + c.numPatches());
    m.put("parameters", ModelStats.parameterCount(c));
    m.put("gmacs_per_image", round(ModelStats.gmacs(c)));
    m.put("gflops_per_image", round(ModelStats.gflops(c)));
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
