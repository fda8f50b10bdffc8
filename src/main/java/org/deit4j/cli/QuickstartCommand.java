package org.deit4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.augment.ImageCodec;
import org.deit4j.data.Dataset;
import org.deit4j.data.DatasetSpec;
import org.deit4j.distill.DistillationType;
import org.deit4j.eval.Predictor;
import org.deit4j.train.ProgressBar;
import org.deit4j.train.RunSetup;
import org.deit4j.train.TrainConfig;
import org.deit4j.train.Trainer;
import org.deit4j.train.report.ReportListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deit quickstart}: DeiT end to end on the bundled Fashion-MNIST subset, offline, in a few
 * minutes on 2 cores — train a RegNetY teacher, distil a DeiT student from it through the
 * distillation token, evaluate both, write reports and plots, predict a few images.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description =
        "Train a RegNetY teacher and a distilled DeiT on bundled Fashion-MNIST images, then evaluate and predict.")
public final class QuickstartCommand implements Callable<Integer> {
  /** Fashion-MNIST mean/std, as the benchmark normalises (replicated to 3 channels). */
  static final double[] FM_MEAN = {0.2860, 0.2860, 0.2860};

  static final double[] FM_STD = {0.3530, 0.3530, 0.3530};

  private static final String[] DATA_FILES = {
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "README.md"
  };

  @Option(
      names = "--output-dir",
      defaultValue = "runs/quickstart",
      description = "Where data, checkpoints, reports and plots go (default: ${DEFAULT-VALUE}).")
  Path outputDir;

  @Option(
      names = "--per-class",
      defaultValue = "300",
      description = "Training images per class from the bundled 500 (default: ${DEFAULT-VALUE}).")
  int perClass;

  @Option(names = "--teacher-epochs", defaultValue = "4")
  int teacherEpochs;

  @Option(names = "--student-epochs", defaultValue = "8")
  int studentEpochs;

  @Option(
      names = "--distillation-type",
      defaultValue = "hard",
      description = "soft | hard (default: ${DEFAULT-VALUE}).")
  String distillationType;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path data = extractData(outputDir.resolve("data/fashion-mnist-mini"));
    String train = data + ":train";
    String test = data + ":t10k";
    Path teacherDir = outputDir.resolve("teacher");
    Path studentDir = outputDir.resolve("student");
    out.println("== 1/3 teacher: regnety_002 (stem stride 1 for 28 px), plain recipe");
    out.flush();
    TrainConfig teacher =
        config(
            "regnety_002",
            Map.of("stem_stride", "1"),
            train,
            test,
            teacherEpochs,
            teacherDir,
            false,
            DistillationType.NONE,
            null);
    double teacherTop1 = train(teacher);
    out.println(
        "== 2/3 student: deit_fm_distilled_patch4_28, DeiT recipe, "
            + distillationType
            + " distillation from the teacher");
    out.flush();
    TrainConfig student =
        config(
            "deit_fm_distilled_patch4_28",
            Map.of(),
            train,
            test,
            studentEpochs,
            studentDir,
            true,
            DistillationType.parse(distillationType),
            teacherDir.resolve("best.safetensors"));
    double studentTop1 = train(student);
    out.println("== 3/3 predictions of the student on test images");
    List<Path> samples = writeSamples(test, outputDir.resolve("samples"), 5);
    Predictor p = Predictor.fromCheckpoint(studentDir.resolve("best.safetensors"), false);
    for (Predictor.Prediction pr : p.predictFiles(samples, 3, 8)) {
      Predictor.Scored best = pr.top().get(0);
      out.printf(
          Locale.ROOT,
          "  %-28s -> %-12s %5.1f%%  (then %s, %s)%n",
          Path.of(pr.image()).getFileName(),
          best.label(),
          100 * best.probability(),
          pr.top().get(1).label(),
          pr.top().get(2).label());
    }
    out.printf(Locale.ROOT, "%nteacher regnety_002         best test top-1 %.2f%%%n", teacherTop1);
    out.printf(
        Locale.ROOT,
        "student deit (distilled)    best test top-1 %.2f%%  (1,000 test images)%n",
        studentTop1);
    out.println(
        "reports: " + teacherDir.resolve("report.md") + ", " + studentDir.resolve("report.md"));
    out.println(
        "checkpoints: "
            + studentDir.resolve("best.safetensors")
            + "  (try: ./deit eval --weights "
            + studentDir.resolve("best.safetensors")
            + " --data "
            + test
            + ")");
    if (Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))) {
      out.println(
          "The full Fashion-MNIST is installed: run the accuracy benchmark with"
              + " ./deit benchmark fashion-mnist --grid A (hours; resumable).");
    }
    out.flush();
    return ExitCodes.OK;
  }

  private TrainConfig config(
      String model,
      Map<String, String> args,
      String train,
      String test,
      int epochs,
      Path dir,
      boolean deitRecipe,
      DistillationType type,
      Path teacherPath) {
    // Short runs: batch 64, lr 2e-3 unscaled, at most one warmup epoch (deit's 5 would be most of
    // the run), no EMA (0.99996 needs far more steps than a demo has).
    return new TrainConfig(
        model,
        args,
        train,
        test,
        perClass,
        28,
        FM_MEAN,
        FM_STD,
        64,
        epochs,
        2e-3,
        true,
        0.05,
        null,
        deitRecipe ? 1 : 0, // warmup: one epoch for the ViT, none for the CNN
        1e-6,
        1e-5,
        "timm",
        "deit",
        deitRecipe ? "rand-m9-mstd0.5-inc1" : "",
        0.3,
        deitRecipe ? 0.25 : 0.0,
        "pixel",
        deitRecipe ? 0.1 : 0.0,
        deitRecipe ? 0.8 : 0.0,
        deitRecipe ? 1.0 : 0.0,
        1.0,
        0.5,
        false,
        deitRecipe ? 0.1 : 0.0,
        0.0,
        false,
        false,
        0.99996,
        "regnety_002",
        Map.of("stem_stride", "1"),
        teacherPath == null ? null : teacherPath.toString(),
        type,
        0.5,
        1.0,
        null,
        seed,
        2,
        dir.toString(),
        null,
        null);
  }

  private double train(TrainConfig cfg) throws IOException {
    try (RunSetup run = RunSetup.prepare(cfg, null)) {
      new Trainer(
              run,
              List.of(
                  new ProgressBar(System.err, System.console() != null),
                  new ReportListener(
                      Path.of(cfg.outputDir()), Map.of("command", "deit quickstart"))))
          .run();
      return run.bestTop1();
    }
  }

  /** Copies the bundled subset out of the jar (it is read like any IDX folder). */
  static Path extractData(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : DATA_FILES) {
      Path target = dir.resolve(f);
      if (Files.exists(target)) {
        continue;
      }
      try (InputStream in =
          QuickstartCommand.class.getResourceAsStream("/org/deit4j/quickstart/" + f)) {
        if (in == null) {
          throw new IOException("bundled data missing from the jar: " + f);
        }
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  private static List<Path> writeSamples(String spec, Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    Dataset ds = DatasetSpec.parse(spec).open();
    List<Path> out = new ArrayList<>();
    int step = Math.max(1, ds.size() / n);
    for (int i = 0; i < n; i++) {
      int idx = i * step + i; // spread over the classes
      String truth = ds.classes().name(ds.label(idx)).replaceAll("[^A-Za-z0-9]+", "-");
      Path f = dir.resolve(String.format(Locale.ROOT, "test%04d_%s.png", idx, truth));
      ImageCodec.writePng(ds.image(idx), f);
      out.add(f);
    }
    return out;
  }
}
