package org.deit4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.bench.BenchmarkReport;
import org.deit4j.bench.BenchmarkResult;
import org.deit4j.bench.BenchmarkRun;
import org.deit4j.bench.BenchmarkRunner;
import org.deit4j.bench.FashionMnistBenchmark;
import org.deit4j.bench.FashionMnistBenchmark.Grid;
import org.deit4j.bench.Machine;
import org.deit4j.bench.Shrink;
import org.deit4j.train.NonFiniteException;
import org.deit4j.train.ProgressBar;
import org.deit4j.train.TrainFlags;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deit benchmark}: the project's benchmarks as commands. */
@Command(
    name = "benchmark",
    mixinStandardHelpOptions = true,
    description = "Run the project's accuracy benchmarks.",
    subcommands = {BenchmarkCommand.FashionMnist.class, CommandLine.HelpCommand.class})
public final class BenchmarkCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code deit benchmark fashion-mnist --grid A|B [--runs NAME,...] [--list]}: DeiT distillation
   * on Fashion-MNIST-10k ({@link FashionMnistBenchmark}). Resumable: finished runs are skipped,
   * unfinished ones resume from {@code last.safetensors}; the report is rewritten after each run.
   */
  @Command(
      name = "fashion-mnist",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "DeiT distillation on Fashion-MNIST-10k: grid A (30 epochs, 9 runs) or B (100 epochs, 5"
            + " runs), every setting fixed by the benchmark definition.",
        "Resumable: finished runs are skipped, unfinished ones resume from last.safetensors.",
        "A distilled student needs its grid's teacher run finished first (the grid's order"
            + " trains it first)."
      })
  public static final class FashionMnist implements Callable<Integer> {
    static final String DEFAULT_OUTPUT = "runs/benchmark/fashion-mnist";
    static final String DEFAULT_REPORT = "docs/benchmarks/fashion-mnist.md";

    @Option(names = "--grid", paramLabel = "A|B", description = "The grid to run (or list).")
    String grid;

    @Option(
        names = "--runs",
        split = ",",
        paramLabel = "NAME",
        description = "Only these runs of the grid (default: all, teacher first).")
    List<String> runs;

    @Option(names = "--list", description = "Print the plan with each run's status; train nothing.")
    boolean list;

    @Option(
        names = "--output-dir",
        defaultValue = DEFAULT_OUTPUT,
        description = "Parent of the run folders (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(
        names = "--report",
        paramLabel = "FILE",
        defaultValue = DEFAULT_REPORT,
        description = "Markdown report rewritten after every run (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(
        names = "--data-dir",
        defaultValue = "/usr/share/datasets/fashion-mnist",
        description = "Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
        names = "--num-workers",
        defaultValue = "2",
        description = "Loader threads; results do not depend on it (default: ${DEFAULT-VALUE}).")
    int workers;

    /** Test-only: see {@link Shrink#parse}. Not the benchmark; results are marked. */
    @Option(names = "--x-shrink", hidden = true)
    String shrink;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Shrink k = shrink == null ? null : Shrink.parse(shrink);
      FashionMnistBenchmark.Settings settings =
          new FashionMnistBenchmark.Settings(dataDir, outputDir, workers, k);
      BenchmarkRunner runner = new BenchmarkRunner(k);
      if (list) {
        List<Grid> grids = grid == null ? List.of(Grid.values()) : List.of(Grid.parse(grid));
        for (Grid g : grids) {
          printPlan(out, runner, g, select(FashionMnistBenchmark.plan(g, settings)));
        }
        out.println(
            "data: "
                + dataDir
                + (FashionMnistBenchmark.dataPresent(dataDir)
                    ? " (present)"
                    : " (MISSING: apt-get install -y dataset-fashion-mnist)"));
        out.println("report: " + report);
        out.flush();
        return ExitCodes.OK;
      }
      if (grid == null) {
        throw new CliException(ExitCodes.USAGE, "--grid A|B is required (or --list)");
      }
      Grid g = Grid.parse(grid);
      List<BenchmarkRun> selection = select(FashionMnistBenchmark.plan(g, settings));
      if (!FashionMnistBenchmark.dataPresent(dataDir)) {
        throw new CliException(
            ExitCodes.INPUT,
            "Fashion-MNIST is not installed: "
                + dataDir
                + " must hold "
                + String.join(", ", FashionMnistBenchmark.DATA_FILES)
                + ". Install it with `sudo apt-get install -y dataset-fashion-mnist` (Debian"
                + " package), or point --data-dir at a folder with these files.");
      }
      Map<String, String> missing = runner.missingTeachers(selection);
      if (!missing.isEmpty()) {
        var first = missing.entrySet().iterator().next();
        throw new CliException(
            ExitCodes.USAGE,
            String.join(", ", missing.keySet())
                + " distil"
                + (missing.size() == 1 ? "s" : "")
                + " from "
                + first.getValue()
                + ", which has not finished: run `"
                + command(g, first.getValue())
                + "` first, or add "
                + first.getValue()
                + " to --runs");
      }
      writeReport(runner, settings); // the plan shows as pending from the start
      int i = 0;
      for (BenchmarkRun r : selection) {
        i++;
        out.printf(
            Locale.ROOT,
            "== [%d/%d] %s: %s (%s)%n",
            i,
            selection.size(),
            r.name(),
            r.title(),
            runner.status(r).state().name().toLowerCase(Locale.ROOT));
        out.flush();
        BenchmarkRunner.Done d;
        try {
          d =
              runner.run(
                  r,
                  List.of(new ProgressBar(System.err, System.console() != null)),
                  command(g, r.name()));
        } catch (NonFiniteException e) {
          writeReport(runner, settings);
          throw new CliException(
              ExitCodes.DIVERGED, r.name() + ": training diverged: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
          throw new CliException(ExitCodes.INPUT, e.getMessage(), e);
        }
        BenchmarkResult res = d.result();
        out.printf(
            Locale.ROOT,
            "   %s: top-1 %.2f%%%s, %s training at %.0f img/s%n",
            switch (d.outcome()) {
              case SKIPPED -> "already finished";
              case RESUMED -> "resumed at epoch " + (d.startEpoch() + 1) + ", finished";
              case TRAINED -> "finished";
            },
            res.top1(),
            res.top1Cls() == null
                ? ""
                : String.format(
                    Locale.ROOT, " (cls %.2f%%, dist %.2f%%)", res.top1Cls(), res.top1Dist()),
            formatSeconds(res.trainSeconds()),
            res.imagesPerS());
        writeReport(runner, settings);
        out.flush();
      }
      out.println("report: " + report);
      out.flush();
      return ExitCodes.OK;
    }

    /** The selected runs in plan order; unknown names are a usage error. */
    private List<BenchmarkRun> select(List<BenchmarkRun> plan) {
      if (runs == null || runs.isEmpty()) {
        return plan;
      }
      List<String> names = plan.stream().map(BenchmarkRun::name).toList();
      for (String n : runs) {
        if (!names.contains(n.trim())) {
          throw new CliException(
              ExitCodes.USAGE,
              "unknown run '"
                  + n
                  + "' in grid "
                  + plan.get(0).grid()
                  + " (runs: "
                  + String.join(", ", names)
                  + ")");
        }
      }
      List<String> wanted = runs.stream().map(String::trim).toList();
      return plan.stream().filter(r -> wanted.contains(r.name())).toList();
    }

    private void printPlan(PrintWriter out, BenchmarkRunner runner, Grid g, List<BenchmarkRun> plan)
        throws IOException {
      out.printf(
          Locale.ROOT,
          "grid %s: %d epochs, %s, test top-1 every %d epochs (runs in %s)%n",
          g.name(),
          plan.isEmpty() ? g.epochs() : plan.get(0).config().epochs(),
          g.repeatedAug() ? "repeated augmentation x3" : "no repeated augmentation",
          g.evalInterval(),
          outputDir);
      for (BenchmarkRun r : plan) {
        BenchmarkRunner.Status s = runner.status(r);
        String state =
            switch (s.state()) {
              case DONE -> String.format(Locale.ROOT, "done     top-1 %6.2f%%", s.result().top1());
              case PARTIAL ->
                  String.format(
                      Locale.ROOT, "partial  %d/%d epochs", s.epochsDone(), r.config().epochs());
              case PENDING -> "pending";
            };
        out.printf(
            Locale.ROOT,
            "  %-15s %-22s %s%s%n",
            r.name(),
            state,
            r.title(),
            r.distilled() ? " [teacher: " + r.teacherRun() + "]" : "");
      }
    }

    private void writeReport(BenchmarkRunner runner, FashionMnistBenchmark.Settings settings)
        throws IOException {
      List<BenchmarkReport.Entry> entries = new ArrayList<>();
      for (BenchmarkRun r : FashionMnistBenchmark.all(settings)) {
        entries.add(new BenchmarkReport.Entry(r, runner.status(r), command(r.grid(), r.name())));
      }
      BenchmarkReport.write(
          report,
          entries,
          Machine.describe(),
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** The command that (re)runs one run with these options. */
    String command(Grid g, String run) {
      List<String> w =
          new ArrayList<>(
              List.of("./deit", "benchmark", "fashion-mnist", "--grid", g.name(), "--runs", run));
      if (!outputDir.equals(Path.of(DEFAULT_OUTPUT))) {
        w.addAll(List.of("--output-dir", outputDir.toString()));
      }
      if (!dataDir.equals(FashionMnistBenchmark.DEFAULT_DATA_DIR)) {
        w.addAll(List.of("--data-dir", dataDir.toString()));
      }
      if (shrink != null) {
        w.addAll(List.of("--x-shrink", shrink));
      }
      return TrainFlags.shellJoin(w);
    }

    private static String formatSeconds(double s) {
      long t = Math.round(s);
      return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    }
  }
}
