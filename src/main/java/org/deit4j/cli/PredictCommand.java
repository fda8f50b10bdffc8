package org.deit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.deit4j.data.ImageFolder;
import org.deit4j.eval.Predictor;
import org.deit4j.train.Checkpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code deit predict}: top-k labels with probabilities for image files or folders. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description =
        "Top-k labels with probabilities per image (files or folders), class names from the checkpoint.")
public final class PredictCommand implements Callable<Integer> {
  @Option(
      names = "--weights",
      required = true,
      paramLabel = "CKPT",
      description = "A deit4j checkpoint.")
  Path weights;

  @Option(
      names = "--images",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "Image files or folders (searched recursively).")
  List<Path> images;

  @Option(names = "--topk", defaultValue = "5")
  int topk;

  @Option(names = "--batch-size", defaultValue = "32")
  int batchSize;

  @Option(names = "--ema", description = "Use the EMA weights.")
  boolean ema;

  @Option(names = "--json", description = "One JSON object per image instead of a table.")
  boolean json;

  @Mixin PrecisionOption precision = new PrecisionOption();

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(weights) || !Checkpoint.isCheckpoint(weights)) {
      throw new CliException(ExitCodes.INPUT, "--weights: not a deit4j checkpoint: " + weights);
    }
    List<Path> files = expand(images);
    if (files.isEmpty()) {
      throw new CliException(ExitCodes.INPUT, "no images found in " + images);
    }
    Predictor p = Predictor.fromCheckpoint(weights, ema, precision.precision());
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    for (Predictor.Prediction pr : p.predictFiles(files, topk, batchSize)) {
      if (json) {
        out.println(mapper.writeValueAsString(pr));
      } else {
        out.println(pr.image());
        for (Predictor.Scored s : pr.top()) {
          out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100 * s.probability(), s.label());
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile)
              .filter(f -> ImageFolder.isImageName(f.getFileName().toString()))
              .sorted()
              .forEach(out::add);
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw new CliException(ExitCodes.INPUT, "--images: no such file or folder: " + p);
      }
    }
    return out;
  }
}
