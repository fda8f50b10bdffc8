package org.deit4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;
import org.deit4j.io.Safetensors;
import org.deit4j.io.SafetensorsFile;
import org.deit4j.io.StateDict;
import org.deit4j.io.WeightFiles;
import org.deit4j.model.Logits;
import org.deit4j.model.PosEmbed;
import org.deit4j.model.VisionTransformer;
import org.deit4j.model.VitConfig;
import org.deit4j.model.VitWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deit forward}: eval-mode forward of a tensor batch, the way to check deit4j's numbers
 * against timm's. Writes {@code logits} and, where they exist, {@code logits_cls}, {@code
 * logits_dist}, {@code features} and {@code patch_embed}.
 */
@Command(
    name = "forward",
    mixinStandardHelpOptions = true,
    description = "Eval-mode forward of a (B, C, H, W) tensor from a safetensors file.")
public final class ForwardCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(
      names = "--weights",
      required = true,
      paramLabel = "FILE",
      description =
          "Weights with timm keys: .safetensors or a PyTorch .pth (read without pickle execution).")
  Path weights;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "safetensors file holding the input batch (B, C, H, W), already normalised.")
  Path input;

  @Option(
      names = "--input-key",
      defaultValue = "input",
      paramLabel = "KEY",
      description = "Tensor name inside --input (default: ${DEFAULT-VALUE}).")
  String inputKey;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE",
      description = "safetensors file to write.")
  Path output;

  @Option(
      names = "--img-size",
      paramLabel = "N",
      description = "Run at another input size: pos_embed is resampled from the weights' grid.")
  Integer imgSize;

  @Option(
      names = "--pos-embed-interp",
      defaultValue = "bicubic-antialias",
      paramLabel = "MODE",
      description =
          "Grid resampling: bicubic-antialias (timm, default) or bicubic (deit --finetune).")
  String interp;

  @Option(
      names = "--non-strict",
      description = "Allow missing/unexpected keys and drop heads whose class count differs.")
  boolean nonStrict;

  @Option(
      names = "--expect",
      paramLabel = "FILE",
      description = "Reference outputs (e.g. timm's): print the max abs error per shared key.")
  Path expect;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    requireFile(weights, "--weights");
    requireFile(input, "--input");
    VitConfig cfg = model.config();
    Map<String, HostTensor> sd = WeightFiles.read(weights);
    cfg = inferClasses(cfg, sd, err);
    if (imgSize != null) {
      cfg = cfg.withImgSize(imgSize);
    }
    HostTensor x = readInput(cfg);
    Map<String, HostTensor> results = new LinkedHashMap<>();
    try (PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      VisionTransformer m = new VisionTransformer(cfg, nonStrict); // strict: every weight loaded
      StateDict.LoadReport r;
      try {
        r = VitWeights.load(m, sd, !nonStrict, parseInterp(interp));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.INPUT, weights + ": " + e.getMessage(), e);
      }
      if (!r.clean()) {
        err.println("note: " + describe(r));
      }
      m.eval();
      Tensor xt = Tensors.toTorch(x).to(ScalarType.Float);
      Tensor feats = m.forwardFeatures(xt);
      Logits logits = m.forwardHead(feats);
      results.put("logits", Tensors.toHost(logits.fused()));
      if (cfg.distilled() && cfg.numClasses() > 0) {
        Logits.Distilled both = m.heads(feats);
        results.put("logits_cls", Tensors.toHost(both.cls()));
        results.put("logits_dist", Tensors.toHost(both.dist()));
      }
      results.put("features", Tensors.toHost(feats));
      results.put("patch_embed", Tensors.toHost(m.patchEmbed(xt)));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("model", model.model);
    meta.put("model_args", model.modelArgs == null ? "" : model.modelArgs);
    meta.put("img_size", Integer.toString(cfg.imgSize()));
    meta.put("producer", "deit4j forward");
    Safetensors.write(output, results, meta);
    out.printf("wrote %s: %s%n", output, shapes(results));
    if (expect != null) {
      compare(results, Safetensors.read(expect), out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void requireFile(Path p, String flag) {
    if (!Files.isRegularFile(p)) {
      throw new CliException(ExitCodes.INPUT, flag + ": no such file: " + p);
    }
  }

  /** With no explicit num_classes, a checkpoint's head decides the class count. */
  private VitConfig inferClasses(VitConfig cfg, Map<String, HostTensor> sd, PrintWriter err) {
    HostTensor head = sd.get("head.weight");
    if (head == null || model.args().containsKey("num_classes") || head.shape().length != 2) {
      return cfg;
    }
    int k = Math.toIntExact(head.shape()[0]);
    if (k != cfg.numClasses()) {
      err.println("note: num_classes=" + k + " taken from the weights' head");
      return cfg.withNumClasses(k);
    }
    return cfg;
  }

  private HostTensor readInput(VitConfig cfg) throws IOException {
    SafetensorsFile f = Safetensors.read(input);
    HostTensor x = f.tensors().get(inputKey);
    if (x == null) {
      throw new CliException(
          ExitCodes.INPUT,
          "--input " + input + " has no tensor '" + inputKey + "'; it has " + f.tensors().keySet());
    }
    long[] s = x.shape();
    if (!x.dtype().isFloating()) {
      throw new CliException(
          ExitCodes.INPUT,
          "input '" + inputKey + "' is " + x.dtype() + ", expected a float tensor");
    }
    if (s.length != 4 || s[1] != cfg.inChans() || s[2] != cfg.imgSize() || s[3] != cfg.imgSize()) {
      throw new CliException(
          ExitCodes.INPUT,
          "input '"
              + inputKey
              + "' has shape "
              + Arrays.toString(s)
              + ", the model expects (B, "
              + cfg.inChans()
              + ", "
              + cfg.imgSize()
              + ", "
              + cfg.imgSize()
              + ")"
              + (imgSize == null ? "; use --img-size to run at another size" : ""));
    }
    return x;
  }

  static PosEmbed.Interpolation parseInterp(String s) {
    return switch (s) {
      case "bicubic-antialias" -> PosEmbed.Interpolation.BICUBIC_ANTIALIAS;
      case "bicubic" -> PosEmbed.Interpolation.BICUBIC;
      default ->
          throw new IllegalArgumentException(
              "--pos-embed-interp must be bicubic-antialias or bicubic, got " + s);
    };
  }

  private static String describe(StateDict.LoadReport r) {
    return "missing " + r.missing() + ", unexpected " + r.unexpected() + ", dropped " + r.dropped();
  }

  private static String shapes(Map<String, HostTensor> m) {
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append(Arrays.toString(v.shape())).append(' '));
    return sb.toString().trim();
  }

  private static void compare(Map<String, HostTensor> ours, SafetensorsFile ref, PrintWriter out) {
    for (Map.Entry<String, HostTensor> e : ours.entrySet()) {
      HostTensor r = ref.tensors().get(e.getKey());
      if (r == null || !Arrays.equals(r.shape(), e.getValue().shape())) {
        continue;
      }
      float[] a = e.getValue().toFloats();
      float[] b = r.toFloats();
      double max = 0;
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs((double) a[i] - b[i]));
      }
      out.printf("max |ours - expected| %-12s %.3e%n", e.getKey(), max);
    }
  }
}
