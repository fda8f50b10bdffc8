package org.deit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.bench.GemmFloor;
import org.deit4j.bench.Machine;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Precision;
import org.deit4j.model.VitConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deit bench floor}: the GEMM floor of a ViT forward or training step ({@link GemmFloor}),
 * the images/s no implementation using the same GEMM kernels can exceed.
 */
@Command(
    name = "floor",
    mixinStandardHelpOptions = true,
    description =
        "GEMM floor: the model's matrix products alone, timed at its exact shapes; the images/s"
            + " nothing using the same GEMM kernels can beat.")
final class BenchFloorCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, description = "ViT/DeiT preset.")
  String model;

  @Option(names = "--batch", split = ",", defaultValue = "32", description = "Batch sizes.")
  List<Integer> batches;

  @Option(names = "--dtype", split = ",", defaultValue = "fp32", description = "fp32 and/or bf16.")
  List<String> dtypes;

  @Option(names = "--train", description = "A training step (forward + backward), not a forward.")
  boolean train;

  @Option(names = "--threads", description = "libtorch intra-op threads (default: all cores).")
  Integer threads;

  @Option(names = "--runs", defaultValue = "5", description = "Timed runs per product (median).")
  int runs;

  @Option(names = "--detail", description = "Also print every product's shape and time.")
  boolean detail;

  @Option(names = "--json", description = "One JSON object per line instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!VitConfig.isPreset(model)) {
      throw new IllegalArgumentException("unknown ViT preset '" + model + "'");
    }
    if (runs < 1 || batches.stream().anyMatch(b -> b < 1)) {
      throw new IllegalArgumentException("--runs and --batch sizes must be >= 1");
    }
    Engine.init();
    if (threads != null) {
      if (threads < 1) {
        throw new IllegalArgumentException("--threads must be >= 1");
      }
      Engine.setThreads(threads);
    }
    VitConfig c = VitConfig.preset(model);
    String mode = train ? "train" : "infer";
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.println("# " + Machine.describe());
      out.printf(
          "%-34s %5s %5s %5s %4s %12s %12s %12s%n",
          "model", "mode", "batch", "dtype", "thr", "floor ms", "floor img/s", "GEMM GFLOP/s");
    }
    for (int b : batches) {
      for (String d : dtypes) {
        Precision p = Precision.parse(d);
        if (!train && p == Precision.FP32 && !json) {
          out.println(
              "# note: fp32 inference runs oneDNN linears and flash attention, faster than the"
                  + " plain mm/bmm timed here: not a floor for that case");
        }
        GemmFloor.Result r = GemmFloor.measure(c, b, p, train, runs);
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("engine", "deit4j");
          m.put("mode", "floor-" + mode);
          m.put("model", model);
          m.put("batch", b);
          m.put("dtype", p.toString());
          m.put("threads", Engine.threads());
          m.put("floor_ms_per_batch", Math.round(r.totalMs() * 1000) / 1000.0);
          m.put("floor_images_per_s", Math.round(r.imagesPerSecond(b) * 100) / 100.0);
          m.put("gemm_gflops", Math.round(r.gemmGflops() * 10) / 10.0);
          out.println(new ObjectMapper().writeValueAsString(m));
        } else {
          if (detail) {
            printDetail(out, r);
          }
          out.printf(
              Locale.ROOT,
              "%-34s %5s %5d %5s %4d %12.1f %12.2f %12.1f%n",
              model,
              mode,
              b,
              p,
              Engine.threads(),
              r.totalMs(),
              r.imagesPerSecond(b),
              r.gemmGflops());
        }
        out.flush();
      }
    }
    return ExitCodes.OK;
  }

  private static void printDetail(PrintWriter out, GemmFloor.Result r) {
    for (int i = 0; i < r.gemms().size(); i++) {
      GemmFloor.Gemm g = r.gemms().get(i);
      out.printf(
          Locale.ROOT,
          "#   %-26s %5d x (%6d x %6d) x (%6d x %6d)  x%-3d %8.2f ms each %9.1f GFLOP/s%n",
          g.name(),
          g.batch(),
          g.m(),
          g.k(),
          g.k(),
          g.n(),
          g.count(),
          r.msEach()[i],
          2.0 * g.batch() * g.m() * g.k() * g.n() / (r.msEach()[i] / 1000) / 1e9);
    }
  }
}
