package org.deit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.augment.SampleTransform;
import org.deit4j.data.Dataset;
import org.deit4j.data.DatasetSpec;
import org.deit4j.data.DecodePolicy;
import org.deit4j.data.Loader;
import org.deit4j.data.SequentialSampler;
import org.deit4j.eval.Evaluator;
import org.deit4j.eval.Predictor;
import org.deit4j.train.Checkpoint;
import org.deit4j.train.Classifier;
import org.deit4j.train.MixedPrecision;
import org.deit4j.train.Models;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code deit eval}: top-1/top-5 per head and a confusion matrix of a checkpoint on a dataset. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a checkpoint: top-1/top-5 per head (cls, dist, fused), confusion matrix.")
public final class EvalCommand implements Callable<Integer> {
  @Option(
      names = "--weights",
      required = true,
      paramLabel = "CKPT",
      description = "A deit4j checkpoint (e.g. OUT/best.safetensors).")
  Path weights;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "SPEC",
      description = "Dataset to evaluate, e.g. idx:/usr/share/datasets/fashion-mnist:t10k.")
  String data;

  @Option(names = "--ema", description = "Evaluate the EMA weights instead of the model's.")
  boolean ema;

  @Option(names = "--batch-size", defaultValue = "128")
  int batchSize;

  @Option(names = "--num-workers", defaultValue = "2")
  int workers;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Also write the JSON result (with the confusion matrix) here.")
  Path output;

  @Mixin PrecisionOption precision = new PrecisionOption();

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(weights)) {
      throw new CliException(ExitCodes.INPUT, "--weights: no such file: " + weights);
    }
    if (!Checkpoint.isCheckpoint(weights)) {
      throw new CliException(
          ExitCodes.INPUT, weights + " is not a deit4j checkpoint (train one with deit train)");
    }
    Checkpoint c = Checkpoint.load(weights);
    Classifier m = Models.fromCheckpoint(c, ema);
    Dataset ds = DatasetSpec.parse(data).open();
    if (ds.classes().size() != c.classes().size()) {
      throw new CliException(
          ExitCodes.INPUT,
          "dataset has " + ds.classes().size() + " classes, the checkpoint " + c.classes().size());
    }
    SampleTransform t = Predictor.evalTransform(c.config(), m);
    Evaluator.Result r;
    try (Loader loader =
        new Loader(
            ds,
            new SequentialSampler(ds.size()),
            t,
            new Loader.Config(batchSize, false, workers, 2, 0L, DecodePolicy.DEFAULT))) {
      r = Evaluator.evaluate(MixedPrecision.classifier(m, precision.precision()), loader);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("checkpoint", weights.toString());
    result.put("data", data);
    result.put("dtype", precision.precision().flag());
    result.put("images", r.images());
    result.put("top1", r.top1());
    result.put("top5", r.top5());
    result.put("loss", r.loss());
    result.put("classes", c.classes().names());
    result.put("confusion", r.confusion());
    ObjectMapper mapper = new ObjectMapper();
    if (output != null) {
      mapper.writerWithDefaultPrettyPrinter().writeValue(output.toFile(), result);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(mapper.writeValueAsString(result));
    } else {
      out.printf(Locale.ROOT, "%d images%n", r.images());
      for (String head : r.top1().keySet()) {
        out.printf(
            Locale.ROOT,
            "%-6s top-1 %6.2f%%  top-5 %6.2f%%%n",
            head,
            r.top1().get(head),
            r.top5().get(head));
      }
      out.printf(Locale.ROOT, "loss   %.4f%n", r.loss());
      printConfusion(out, c.classes().names(), r.confusion());
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void printConfusion(PrintWriter out, java.util.List<String> names, long[][] m) {
    out.println("confusion (rows: true class, columns: predicted):");
    for (int i = 0; i < m.length; i++) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-12.12s", names.get(i)));
      for (long v : m[i]) {
        sb.append(String.format(Locale.ROOT, "%6d", v));
      }
      out.println(sb);
    }
  }
}
