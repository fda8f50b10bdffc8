package org.deit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.augment.Recipes;
import org.deit4j.bench.DataBench;
import org.deit4j.bench.GemmPeak;
import org.deit4j.bench.InferBench;
import org.deit4j.bench.Machine;
import org.deit4j.bench.ThroughputRow;
import org.deit4j.bench.TrainStepBench;
import org.deit4j.data.Dataset;
import org.deit4j.data.DatasetSpec;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Precision;
import org.deit4j.model.VitConfig;
import org.deit4j.train.Classifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deit bench}: throughput of inference, of a training step and of the data loader. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Throughput benchmarks (images/s, ms/batch, GFLOP/s, MFU against a measured GEMM peak).",
    subcommands = {
      BenchCommand.Infer.class,
      BenchCommand.Train.class,
      BenchCommand.Data.class,
      BenchFloorCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by {@code infer} and {@code train}. */
  static final class Common {
    @Option(
        names = "--batch",
        split = ",",
        defaultValue = "1,8,32,64",
        description = "Batch sizes.")
    List<Integer> batches;

    @Option(
        names = "--dtype",
        split = ",",
        defaultValue = "fp32",
        description = "fp32 and/or bf16.")
    List<String> dtypes;

    @Option(
        names = "--threads",
        description =
            "libtorch intra-op threads (default: DEIT4J_THREADS or all cores). OpenBLAS (fp32"
                + " GEMMs) reads its thread count once at start-up: the ./deit launcher sets it"
                + " from DEIT4J_THREADS.")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs first.")
    int warmup;

    @Option(names = "--runs", defaultValue = "5", description = "At least this many timed runs.")
    int runs;

    @Option(
        names = "--min-seconds",
        defaultValue = "3",
        description = "And at least this much timed wall time per row.")
    double minSeconds;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(
        names = "--gemm-size",
        defaultValue = "2048",
        description = "Matrix size of the GEMM-peak measurement (default: 2048).")
    int gemmSize;

    List<Precision> precisions() {
      List<Precision> out = new ArrayList<>();
      for (String d : dtypes) {
        out.add(Precision.parse(d));
      }
      return out;
    }

    /** Sets threads, measures the GEMM peak per precision, prints the machine line. */
    Map<Precision, Double> prepare(PrintWriter out) {
      Engine.init();
      if (threads != null) {
        if (threads < 1) {
          throw new IllegalArgumentException("--threads must be >= 1");
        }
        Engine.setThreads(threads);
      }
      if (gemmSize < 16) {
        throw new IllegalArgumentException("--gemm-size must be >= 16");
      }
      if (batches.stream().anyMatch(b -> b < 1)) {
        throw new IllegalArgumentException("--batch sizes must be >= 1");
      }
      Map<Precision, Double> peak = new LinkedHashMap<>();
      for (Precision p : precisions()) {
        peak.put(p, GemmPeak.measure(p, gemmSize, gemmSize >= GemmPeak.DEFAULT_SIZE ? 2 : 0));
      }
      if (!json) {
        out.println("# " + Machine.describe());
        peak.forEach(
            (p, g) ->
                out.printf(
                    Locale.ROOT,
                    "# GEMM peak %s (%d^2 mm, %d threads): %.1f GFLOP/s%n",
                    p,
                    gemmSize,
                    Engine.threads(),
                    g));
        out.printf(
            "%-34s %5s %5s %4s %10s %10s %9s %9s %6s %8s%n",
            "model",
            "batch",
            "dtype",
            "thr",
            "images/s",
            "ms/batch",
            "GFLOP/img",
            "GFLOP/s",
            "MFU",
            "RSS MiB");
      }
      out.flush();
      return peak;
    }

    void print(PrintWriter out, ThroughputRow r) throws Exception {
      if (json) {
        out.println(new ObjectMapper().writeValueAsString(r.toJson()));
      } else {
        out.printf(
            Locale.ROOT,
            "%-34s %5d %5s %4d %10.2f %10.1f %9.3f %9.1f %5.1f%% %8.0f%n",
            r.teacher() == null ? r.model() : r.model() + " +" + r.teacher(),
            r.batch(),
            r.dtype(),
            r.threads(),
            r.imagesPerSecond(),
            r.msPerBatch(),
            r.gflopsPerImage(),
            r.achievedGflops(),
            100 * r.mfu(),
            r.peakRssMb());
      }
      out.flush();
    }
  }

  /** {@code deit bench infer}. */
  @Command(
      name = "infer",
      mixinStandardHelpOptions = true,
      description = "Inference throughput of ViT/DeiT presets (eval mode, inference mode).")
  static final class Infer implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--model",
        split = ",",
        required = true,
        description = "ViT/DeiT preset(s), e.g. deit_tiny_patch16_224.")
    List<String> models;

    @Mixin Common common = new Common();

    @Override
    public Integer call() throws Exception {
      for (String m : models) {
        if (!VitConfig.isPreset(m)) {
          throw new IllegalArgumentException("unknown ViT preset '" + m + "'");
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      Map<Precision, Double> peak = common.prepare(out);
      for (String m : models) {
        Classifier model = InferBench.build(m);
        for (int b : common.batches) {
          for (Precision p : common.precisions()) {
            common.print(
                out,
                InferBench.measure(
                    m, model, b, p, peak.get(p), common.warmup, common.runs, common.minSeconds));
          }
        }
      }
      return ExitCodes.OK;
    }
  }

  /** {@code deit bench train}. */
  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description =
          "Full training step on an in-memory batch: forward, (teacher,) loss, backward, AdamW.")
  static final class Train implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Student ViT/DeiT preset.")
    String model;

    @Option(names = "--teacher", description = "RegNetY teacher preset (hard distillation).")
    String teacher;

    @Option(
        names = "--teacher-args",
        defaultValue = "",
        description = "Teacher keyword overrides, e.g. stem_stride=1.")
    String teacherArgs;

    @Mixin Common common = new Common();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      TrainStepBench bench = new TrainStepBench(model, teacher, VitConfig.parseArgs(teacherArgs));
      Map<Precision, Double> peak = common.prepare(out);
      for (int b : common.batches) {
        for (Precision p : common.precisions()) {
          common.print(
              out, bench.measure(b, p, peak.get(p), common.warmup, common.runs, common.minSeconds));
        }
      }
      return ExitCodes.OK;
    }
  }

  /** {@code deit bench data}: the loader's images/s per worker-thread count. */
  @Command(
      name = "data",
      mixinStandardHelpOptions = true,
      description = "Data loader throughput (decode + recipe + batching) per thread count.")
  static final class Data implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--recipe", defaultValue = "deit", description = "deit, deit3, eval, none.")
    String recipe;

    @Option(names = "--size", defaultValue = "224", description = "Recipe output size (224, 28).")
    int size;

    @Option(
        names = "--data",
        defaultValue = "idx:/usr/share/datasets/fashion-mnist:train",
        description = "Dataset spec (default: Debian's dataset-fashion-mnist).")
    String data;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Loader threads.")
    List<Integer> threads;

    @Option(names = "--batch", defaultValue = "64")
    int batch;

    @Option(names = "--batches", defaultValue = "30", description = "Timed batches per row.")
    int batches;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Dataset ds = DatasetSpec.parse(data).open();
      Recipes.named(recipe, size); // validates the name before any timing
      if (!json) {
        out.println("# " + Machine.describe());
        out.printf("%-8s %5s %8s %10s %10s%n", "recipe", "size", "threads", "images/s", "ms/batch");
      }
      for (int t : threads) {
        DataBench.Result r =
            DataBench.measure(ds, () -> Recipes.named(recipe, size).build(), t, batch, 3, batches);
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("engine", "deit4j");
          m.put("mode", "data");
          m.put("recipe", recipe);
          m.put("size", size);
          m.put("threads", t);
          m.put("batch", batch);
          m.put("images_per_s", Math.round(r.imagesPerSecond() * 10) / 10.0);
          m.put("ms_per_batch", Math.round(10000.0 * r.seconds() / batches) / 10.0);
          out.println(new ObjectMapper().writeValueAsString(m));
        } else {
          out.printf(
              Locale.ROOT,
              "%-8s %5d %8d %10.1f %10.1f%n",
              recipe,
              size,
              t,
              r.imagesPerSecond(),
              1000.0 * r.seconds() / batches);
        }
        out.flush();
      }
      return ExitCodes.OK;
    }
  }
}
