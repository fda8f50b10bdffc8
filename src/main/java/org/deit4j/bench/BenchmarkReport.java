package org.deit4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.deit4j.io.AtomicFiles;
import org.deit4j.train.TrainFlags;

/**
 * The benchmark's Markdown report ({@code docs/benchmarks/fashion-mnist.md}): per grid a table of
 * every run (finished ones with their figures, the others as pending or partial), the top-1 curves
 * of the finished runs, the machines, and the commands that reproduce each run. Rewritten after
 * every run; written atomically.
 */
public final class BenchmarkReport {
  private static final String DASH = "—";

  /**
   * One row: a planned run and how far it got.
   *
   * @param run the planned run
   * @param status its folder's state
   * @param command the {@code deit benchmark} command that runs it
   */
  public record Entry(BenchmarkRun run, BenchmarkRunner.Status status, String command) {}

  private BenchmarkReport() {}

  /** Writes the report atomically, creating parent folders. */
  public static void write(Path file, List<Entry> entries, String machine, String generatedAt)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AtomicFiles.write(
        file, markdown(entries, machine, generatedAt).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The report text.
   *
   * @param entries every planned run, grid A then B, teachers first
   * @param machine the machine writing the report ({@link Machine#describe()})
   * @param generatedAt a timestamp
   */
  public static String markdown(List<Entry> entries, String machine, String generatedAt) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark: DeiT distillation on Fashion-MNIST-10k\n\n");
    md.append("Written by `deit benchmark fashion-mnist` (")
        .append(generatedAt)
        .append(") after every run; do not edit by hand. The settings are the benchmark")
        .append(" definition's (`shared/benchmarks/fashion-mnist-distill.md`): the first 1,000")
        .append(" training images of each class, all 10,000 test images, batch 256, AdamW lr 1e-3")
        .append(" (not rescaled), weight decay 0.05, warmup 5 epochs from 1e-6 then cosine to")
        .append(" 1e-5 (timm convention), distillation α 0.5, τ 1. Not fixed by the definition and")
        .append(" chosen here: EMA off, no drop path for the teacher, no gradient clipping.\n\n");
    md.append("Top-1 is % on the test set after the last epoch (fused heads for distilled")
        .append(" students, with the class-token head `cls` and the distillation head `dist`")
        .append(" alone). `best` is the best evaluated epoch, for reference only: it is chosen on")
        .append(" the test set. Train time excludes evaluation; img/s is training throughput.")
        .append(" Seed noise is about ±2 points: two seeds are needed to claim a difference")
        .append(" under 3 points.\n\n");
    boolean anyShrunk =
        entries.stream().anyMatch(e -> e.status().result() != null && e.status().result().shrunk());
    if (anyShrunk) {
      md.append("> **†** marks runs made with a test-only reduction (`--x-shrink`): their figures")
          .append(" are not benchmark results.\n\n");
    }
    for (FashionMnistBenchmark.Grid g : FashionMnistBenchmark.Grid.values()) {
      List<Entry> rows = entries.stream().filter(e -> e.run().grid() == g).toList();
      if (!rows.isEmpty()) {
        grid(md, g, rows);
      }
    }
    machines(md, entries, machine);
    commands(md, entries);
    return md.toString();
  }

  private static void grid(StringBuilder md, FashionMnistBenchmark.Grid g, List<Entry> rows) {
    md.append("## Grid ")
        .append(g.name())
        .append(" — ")
        .append(g.epochs())
        .append(" epochs, ")
        .append(g.repeatedAug() ? "repeated augmentation ×3" : "no repeated augmentation")
        .append(", teacher: ")
        .append(g.teacherRecipe().label())
        .append(" recipe\n\n");
    md.append(
        "| run | what | params | top-1 | cls | dist | best (epoch) | train time | img/s |"
            + " peak RSS | status |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Entry e : rows) {
      BenchmarkResult r = e.status().result();
      md.append("| `").append(e.run().name()).append("` | ").append(e.run().title()).append(" | ");
      if (r == null) {
        md.append((DASH + " | ").repeat(8)).append(pending(e)).append(" |\n");
        continue;
      }
      md.append(String.format(Locale.ROOT, "%,d", r.parameters()))
          .append(" | **")
          .append(pct(r.top1()))
          .append("**")
          .append(r.shrunk() ? " †" : "")
          .append(" | ")
          .append(pct(r.top1Cls()))
          .append(" | ")
          .append(pct(r.top1Dist()))
          .append(" | ")
          .append(pct(r.bestTop1()))
          .append(" (")
          .append(r.bestEpoch())
          .append(") | ")
          .append(duration(r.trainSeconds()))
          .append(" | ")
          .append(
              Double.isFinite(r.imagesPerS())
                  ? String.format(Locale.ROOT, "%.0f", r.imagesPerS())
                  : DASH)
          .append(" | ")
          .append(
              r.peakRssMb() == null ? DASH : String.format(Locale.ROOT, "%,.0f MiB", r.peakRssMb()))
          .append(" | done |\n");
    }
    md.append('\n');
    List<BenchmarkResult> done =
        rows.stream().map(e -> e.status().result()).filter(r -> r != null).toList();
    if (done.isEmpty()) {
      md.append("No run of this grid has finished yet.\n\n");
      return;
    }
    TreeSet<Integer> epochs = new TreeSet<>();
    done.forEach(r -> r.curve().forEach(p -> epochs.add(p.epoch())));
    md.append("Test top-1 (fused) at the evaluated epochs:\n\n| run |");
    epochs.forEach(x -> md.append(" ").append(x).append(" |"));
    md.append("\n|---|").append("---:|".repeat(epochs.size())).append('\n');
    for (BenchmarkResult r : done) {
      md.append("| `").append(r.run()).append("` |");
      for (int x : epochs) {
        Double v =
            r.curve().stream()
                .filter(p -> p.epoch() == x)
                .map(BenchmarkResult.CurvePoint::top1)
                .findFirst()
                .orElse(null);
        md.append(' ').append(pct(v)).append(" |");
      }
      md.append('\n');
    }
    md.append('\n');
  }

  private static String pending(Entry e) {
    BenchmarkRunner.Status s = e.status();
    return switch (s.state()) {
      case PARTIAL -> "partial: " + s.epochsDone() + "/" + e.run().config().epochs() + " epochs";
      case PENDING -> "pending";
      case DONE -> "done";
    };
  }

  private static void machines(StringBuilder md, List<Entry> entries, String machine) {
    md.append("## Machine\n\n");
    Set<String> seen = new LinkedHashSet<>();
    for (Entry e : entries) {
      BenchmarkResult r = e.status().result();
      if (r != null) {
        seen.add(r.machine());
      }
    }
    for (String m : seen) {
      List<String> runs = new ArrayList<>();
      for (Entry e : entries) {
        if (e.status().result() != null && m.equals(e.status().result().machine())) {
          runs.add(e.run().name());
        }
      }
      md.append("- ").append(m).append(" — ").append(String.join(", ", runs)).append('\n');
    }
    md.append("- report written on: ").append(machine).append("\n\n");
  }

  private static void commands(StringBuilder md, List<Entry> entries) {
    md.append("## Commands\n\n");
    md.append("Each grid, resumable (finished runs are skipped, unfinished ones resume from")
        .append(" `last.safetensors`):\n\n```bash\n");
    Set<FashionMnistBenchmark.Grid> grids = new LinkedHashSet<>();
    entries.forEach(e -> grids.add(e.run().grid()));
    for (FashionMnistBenchmark.Grid g : grids) {
      String any =
          entries.stream().filter(e -> e.run().grid() == g).findFirst().orElseThrow().command();
      md.append(gridCommand(any)).append('\n');
    }
    md.append(
        "```\n\nOne run, and the equivalent `deit train` with every setting spelled out:\n\n");
    for (Entry e : entries) {
      BenchmarkResult r = e.status().result();
      String trainCommand = r != null ? r.trainCommand() : TrainFlags.commandLine(e.run().config());
      String command = r != null ? r.command() : e.command();
      md.append("- `")
          .append(e.run().name())
          .append("`:\n\n  ```bash\n  ")
          .append(command)
          .append("\n  ")
          .append(trainCommand)
          .append("\n  ```\n\n");
    }
  }

  /** A run's benchmark command without its {@code --runs NAME}. */
  private static String gridCommand(String runCommand) {
    return runCommand.replaceAll(" --runs \\S+", "");
  }

  private static String pct(Double v) {
    return v == null || !Double.isFinite(v) ? DASH : String.format(Locale.ROOT, "%.2f", v);
  }

  /** {@code h:mm:ss}. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return DASH;
    }
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
