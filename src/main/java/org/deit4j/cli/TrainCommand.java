package org.deit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.dist.DistEnv;
import org.deit4j.dist.GlooReplicas;
import org.deit4j.dist.Launcher;
import org.deit4j.dist.PeerFailureException;
import org.deit4j.dist.Replicas;
import org.deit4j.distill.DistillationType;
import org.deit4j.engine.Precision;
import org.deit4j.model.VitConfig;
import org.deit4j.train.NonFiniteException;
import org.deit4j.train.ProgressBar;
import org.deit4j.train.RunSetup;
import org.deit4j.train.TrainConfig;
import org.deit4j.train.TrainListener;
import org.deit4j.train.Trainer;
import org.deit4j.train.report.ReportListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deit train}: the DeiT recipe with deit's flag names and defaults ({@code main.py}). A
 * {@code --config FILE} (YAML or JSON, keys = flag names without dashes) supplies values that flags
 * on the command line override.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Train a ViT/DeiT (optionally distilled from a teacher) or a RegNetY with the DeiT recipe.")
public final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML/JSON recipe: flag names as keys.")
  Path config;

  @Option(
      names = "--model",
      description = "Model preset (timm name); required here or in --config.")
  String model;

  @Option(names = "--model-args", paramLabel = "K=V,...", description = "timm keyword overrides.")
  String modelArgs;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "SPEC",
      description = "Training set, e.g. idx:/usr/share/datasets/fashion-mnist:train.")
  String data;

  @Option(
      names = "--eval-data",
      paramLabel = "SPEC",
      description = "Evaluation set (evaluated after every epoch).")
  String evalData;

  @Option(
      names = "--per-class",
      paramLabel = "N",
      description = "First N images of each class of the training set.")
  Integer perClass;

  @Option(names = "--input-size", description = "Input size (default: the model's img_size).")
  Integer inputSize;

  @Option(
      names = "--mean",
      split = ",",
      paramLabel = "R,G,B",
      description = "Normalisation mean (default ImageNet).")
  double[] mean;

  @Option(
      names = "--std",
      split = ",",
      paramLabel = "R,G,B",
      description = "Normalisation std (default ImageNet).")
  double[] std;

  @Option(names = "--batch-size", defaultValue = "64")
  int batchSize;

  @Option(names = "--epochs", defaultValue = "300")
  int epochs;

  @Option(
      names = "--lr",
      defaultValue = "5e-4",
      description = "Base lr, scaled by batch/512 unless --unscale-lr.")
  double lr;

  @Option(names = "--unscale-lr")
  boolean unscaleLr;

  @Option(names = "--weight-decay", defaultValue = "0.05")
  double weightDecay;

  @Option(names = "--clip-grad", description = "Max global gradient norm (default: off).")
  Double clipGrad;

  @Option(names = "--warmup-epochs", defaultValue = "5")
  int warmupEpochs;

  @Option(names = "--warmup-lr", defaultValue = "1e-6")
  double warmupLr;

  @Option(names = "--min-lr", defaultValue = "1e-5")
  double minLr;

  @Option(
      names = "--lr-convention",
      defaultValue = "timm",
      description = "timm: epoch e trains at lr(e); deit: one epoch behind (deit main.py).")
  String lrConvention;

  @Option(
      names = "--recipe",
      defaultValue = "deit",
      description = "deit | deit3 (3-Augment) | none.")
  String recipe;

  @Option(
      names = "--aa",
      defaultValue = "rand-m9-mstd0.5-inc1",
      description = "RandAugment (\"none\" = off).")
  String aa;

  @Option(names = "--color-jitter", defaultValue = "0.3")
  double colorJitter;

  @Option(names = "--reprob", defaultValue = "0.25")
  double reprob;

  @Option(names = "--remode", defaultValue = "pixel")
  String remode;

  @Option(names = "--smoothing", defaultValue = "0.1")
  double smoothing;

  @Option(names = "--mixup", defaultValue = "0.8")
  double mixup;

  @Option(names = "--cutmix", defaultValue = "1.0")
  double cutmix;

  @Option(names = "--mixup-prob", defaultValue = "1.0")
  double mixupProb;

  @Option(names = "--mixup-switch-prob", defaultValue = "0.5")
  double mixupSwitchProb;

  @Option(
      names = "--repeated-aug",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "RASampler x3 (--no-repeated-aug to disable).")
  boolean repeatedAug;

  @Option(names = "--drop-path", defaultValue = "0.1")
  double dropPath;

  @Option(names = "--drop", defaultValue = "0.0")
  double drop;

  @Option(names = "--bce-loss")
  boolean bceLoss;

  @Option(names = "--model-ema", negatable = true, defaultValue = "true", fallbackValue = "true")
  boolean modelEma;

  @Option(names = "--model-ema-decay", defaultValue = "0.99996")
  double modelEmaDecay;

  @Option(names = "--teacher-model", defaultValue = "regnety_160")
  String teacherModel;

  @Option(
      names = "--teacher-args",
      paramLabel = "K=V,...",
      description = "Teacher overrides, e.g. stem_stride=1.")
  String teacherArgs;

  @Option(
      names = "--teacher-path",
      paramLabel = "FILE",
      description = "Teacher weights (.pth, .safetensors or a deit4j checkpoint).")
  String teacherPath;

  @Option(
      names = "--distillation-type",
      defaultValue = "none",
      description = "none | soft | hard | hard-cls.")
  String distillationType;

  @Option(names = "--distillation-alpha", defaultValue = "0.5")
  double distillationAlpha;

  @Option(names = "--distillation-tau", defaultValue = "1.0")
  double distillationTau;

  @Option(
      names = "--finetune",
      paramLabel = "FILE",
      description = "Start from these weights (heads dropped if classes differ).")
  String finetune;

  @Option(
      names = "--resume",
      paramLabel = "CKPT",
      description = "Continue a run from its checkpoint (e.g. OUT/last.safetensors).")
  Path resume;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Option(names = "--num-workers", defaultValue = "2")
  int workers;

  @Option(names = "--output-dir", defaultValue = "runs/train")
  String outputDir;

  @Option(
      names = "--eval-interval",
      paramLabel = "N",
      description =
          "Evaluate every N epochs and after the last one (default: every epoch, as deit).")
  Integer evalInterval;

  @Option(
      names = "--dtype",
      defaultValue = "fp32",
      paramLabel = "fp32|bf16",
      description =
          "Forward precision of student and teacher: fp32, or bf16 autocast (matmuls and attention"
              + " in bf16, norms, softmax and loss in fp32, fp32 master weights; default: fp32).")
  String dtype;

  @Mixin DistOptions dist = new DistOptions();

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (config != null) {
      return reparsedWithConfig().call();
    }
    TrainConfig cfg = toConfig();
    Path resumeFrom = resume;
    if (resumeFrom != null && !Files.isRegularFile(resumeFrom)) {
      throw new CliException(ExitCodes.INPUT, "--resume: no such checkpoint: " + resumeFrom);
    }
    if (dist.launching()) {
      List<String> args = spec.commandLine().getParseResult().originalArgs();
      return new Launcher(
              dist.toLaunchOptions(), spec.commandLine().getOut(), spec.commandLine().getErr())
          .run(Main.class.getName(), DistOptions.workerArgs(args));
    }
    DistEnv env = DistEnv.fromEnvironment(System.getenv()); // set by a launcher or scheduler
    try (Replicas replicas = env == null ? Replicas.single() : GlooReplicas.connect(env)) {
      return train(cfg, resumeFrom, replicas);
    } catch (PeerFailureException e) {
      throw new CliException(ExitCodes.PEER_FAILED, "distributed training: " + e.getMessage(), e);
    }
  }

  /** Trains as one of {@code replicas} (rank 0 alone reports and writes). */
  private int train(TrainConfig cfg, Path resumeFrom, Replicas replicas) throws IOException {
    List<TrainListener> listeners = new ArrayList<>();
    if (replicas.rank() != 0) {
      try (RunSetup run = RunSetup.prepare(cfg, resumeFrom, replicas)) {
        new Trainer(run, listeners).run();
      } catch (NonFiniteException e) {
        throw new CliException(ExitCodes.DIVERGED, "training diverged: " + e.getMessage(), e);
      }
      return ExitCodes.OK;
    }
    listeners.add(new ProgressBar(System.err, System.console() != null));
    listeners.add(
        new ReportListener(
            Path.of(cfg.outputDir()),
            Map.of(
                "command",
                "deit " + String.join(" ", spec.commandLine().getParseResult().originalArgs()))));
    try (RunSetup run = RunSetup.prepare(cfg, resumeFrom, replicas)) {
      if (replicas.worldSize() > 1) {
        DistOptions.describe(run);
      }
      new Trainer(run, listeners).run();
      PrintWriter out = spec.commandLine().getOut();
      if (Double.isNaN(run.bestTop1())) { // no --eval-data, or no evaluated epoch
        out.printf(Locale.ROOT, "not evaluated; checkpoints in %s%n", cfg.outputDir());
      } else {
        out.printf(
            Locale.ROOT,
            "best test top-1 %.2f%% (epoch %d); checkpoints in %s%n",
            run.bestTop1(),
            run.bestEpoch() + 1,
            cfg.outputDir());
      }
    } catch (NonFiniteException e) {
      throw new CliException(ExitCodes.DIVERGED, "training diverged: " + e.getMessage(), e);
    }
    return ExitCodes.OK;
  }

  /** The validated configuration these options describe. */
  public TrainConfig toConfig() {
    return new TrainConfig(
        model,
        VitConfig.parseArgs(modelArgs),
        data,
        evalData,
        perClass,
        inputSize,
        mean,
        std,
        batchSize,
        epochs,
        lr,
        unscaleLr,
        weightDecay,
        clipGrad,
        warmupEpochs,
        warmupLr,
        minLr,
        lrConvention,
        recipe,
        "none".equalsIgnoreCase(aa) ? "" : aa,
        colorJitter,
        reprob,
        remode,
        smoothing,
        mixup,
        cutmix,
        mixupProb,
        mixupSwitchProb,
        repeatedAug,
        dropPath,
        drop,
        bceLoss,
        modelEma,
        modelEmaDecay,
        teacherModel,
        VitConfig.parseArgs(teacherArgs),
        teacherPath,
        DistillationType.parse(distillationType),
        distillationAlpha,
        distillationTau,
        finetune,
        seed,
        workers,
        outputDir,
        evalInterval,
        Precision.parse(dtype));
  }

  /** Options from the config file first, then the command line's (which win). */
  private TrainCommand reparsedWithConfig() throws IOException {
    if (!Files.isRegularFile(config)) {
      throw new CliException(ExitCodes.INPUT, "--config: no such file: " + config);
    }
    Map<?, ?> values;
    try {
      values =
          new ObjectMapper(new YAMLFactory()).readValue(config.toFile(), Map.class); // JSON is YAML
    } catch (IOException e) {
      throw new CliException(ExitCodes.INPUT, "--config " + config + ": " + e.getMessage(), e);
    }
    List<String> args = new ArrayList<>();
    for (Map.Entry<?, ?> e : values.entrySet()) {
      String flag = "--" + e.getKey().toString().replace('_', '-');
      if (flag.equals("--config")) {
        continue;
      }
      Object v = e.getValue();
      if (v instanceof Boolean b) {
        args.add(b ? flag : "--no-" + flag.substring(2));
      } else if (v instanceof List<?> list) {
        args.add(flag + "=" + String.join(",", list.stream().map(String::valueOf).toList()));
      } else if (v instanceof Map<?, ?> map) {
        List<String> kv = new ArrayList<>();
        map.forEach((k, x) -> kv.add(k + "=" + x));
        args.add(flag + "=" + String.join(",", kv));
      } else if (v != null) {
        args.add(flag + "=" + v);
      }
    }
    List<String> all = spec.commandLine().getParseResult().originalArgs();
    int self = all.indexOf(spec.name()); // original args start at the top-level command
    List<String> cli = new ArrayList<>(all.subList(self + 1, all.size()));
    for (int i = 0; i < cli.size(); i++) {
      if (cli.get(i).equals("--config")) {
        cli.remove(i);
        cli.remove(i);
        break;
      } else if (cli.get(i).startsWith("--config=")) {
        cli.remove(i);
        break;
      }
    }
    args.addAll(cli);
    TrainCommand fresh = new TrainCommand();
    CommandLine cl = new CommandLine(fresh);
    cl.setOverwrittenOptionsAllowed(true);
    try {
      cl.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new CliException(ExitCodes.USAGE, "--config " + config + ": " + e.getMessage(), e);
    }
    fresh.spec = spec;
    return fresh;
  }
}
