package org.deit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deit4j.bench.BenchmarkResult.CurvePoint;
import org.deit4j.bench.BenchmarkRunner.State;
import org.deit4j.bench.BenchmarkRunner.Status;
import org.deit4j.train.TrainFlags;
import org.junit.jupiter.api.Test;

/** The Markdown writer on hand-made results: rows, pending/partial states, curves, commands. */
class BenchmarkReportTest {
  static final FashionMnistBenchmark.Settings SETTINGS =
      new FashionMnistBenchmark.Settings(
          Path.of("/usr/share/datasets/fashion-mnist"), Path.of("runs/fm"), 2, null);

  static BenchmarkResult result(BenchmarkRun r, double top1, Double cls, Double dist, Shrink k) {
    return new BenchmarkResult(
        r.name(),
        r.grid().name(),
        r.title(),
        307_860,
        top1,
        99.0,
        cls,
        dist,
        top1 + 0.5,
        20,
        30,
        3723.4,
        61.0,
        201.44,
        1536.2,
        List.of(
            new CurvePoint(10, 70.125, cls, dist),
            new CurvePoint(20, top1 + 0.5, cls, dist),
            new CurvePoint(30, top1, cls, dist)),
        "./deit benchmark fashion-mnist --grid A --runs " + r.name(),
        TrainFlags.commandLine(r.config()),
        null,
        "CPU X | 2 cores, 2 libtorch threads",
        k,
        "2026-01-01T00:00:00Z",
        r.config());
  }

  static List<BenchmarkReport.Entry> entries(Shrink k) {
    List<BenchmarkReport.Entry> e = new ArrayList<>();
    for (BenchmarkRun r : FashionMnistBenchmark.all(SETTINGS)) {
      Status s =
          switch (r.name()) {
            case "A-teacher" -> new Status(State.DONE, 30, result(r, 91.5, null, null, k));
            case "A-deit-soft" -> new Status(State.DONE, 30, result(r, 85.25, 84.0, 85.0, k));
            case "A-vit-s0" -> new Status(State.PARTIAL, 12, null);
            default -> new Status(State.PENDING, 0, null);
          };
      e.add(
          new BenchmarkReport.Entry(
              r, s, "./deit benchmark fashion-mnist --grid " + r.grid() + " --runs " + r.name()));
    }
    return e;
  }

  @Test
  void tableRowsForDonePartialAndPendingRuns() {
    String md = BenchmarkReport.markdown(entries(null), "CPU X | now", "2026-01-02T00:00:00Z");
    assertTrue(
        md.contains(
            "| run | what | params | top-1 | cls | dist | best (epoch) | train time | img/s |"
                + " peak RSS | status |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"),
        md);
    assertTrue(
        md.contains(
            "| `A-teacher` | RegNetY-400MF teacher, deit recipe | 307,860 | **91.50** | — | — |"
                + " 92.00 (20) | 1:02:03 | 201 | 1,536 MiB | done |\n"),
        md);
    assertTrue(
        md.contains(
            "| `A-deit-soft` | DeiT, soft distillation | 307,860 | **85.25** | 84.00 | 85.00 |"
                + " 85.75 (20) | 1:02:03 | 201 | 1,536 MiB | done |\n"),
        md);
    assertTrue(
        md.contains(
            "| `A-vit-s0` | ViT, deit recipe, seed 0 | — | — | — | — | — | — | — | — |"
                + " partial: 12/30 epochs |\n"),
        md);
    assertTrue(
        md.contains(
            "| `B-deit-hard` | DeiT, hard distillation | — | — | — | — | — | — | — | — | pending |\n"),
        md);
    assertEquals(9 + 5 + 2, count(md, "| `"), "a row per planned run, a curve row per done run");
  }

  @Test
  void curvesOfFinishedRunsOnly() {
    String md = BenchmarkReport.markdown(entries(null), "m", "t");
    assertTrue(md.contains("| run | 10 | 20 | 30 |\n|---|---:|---:|---:|\n"), md);
    assertTrue(md.contains("| `A-teacher` | 70.13 | 92.00 | 91.50 |\n"), md);
    assertTrue(md.contains("| `A-deit-soft` | 70.13 | 85.75 | 85.25 |\n"), md);
    assertTrue(md.contains("No run of this grid has finished yet."), md); // grid B
  }

  @Test
  void machinesCommandsAndShrinkMarks() {
    String md = BenchmarkReport.markdown(entries(null), "CPU Y | now", "t");
    assertTrue(md.contains("- CPU X | 2 cores, 2 libtorch threads — A-teacher, A-deit-soft\n"), md);
    assertTrue(md.contains("- report written on: CPU Y | now\n"), md);
    assertTrue(md.contains("./deit benchmark fashion-mnist --grid A\n"), md);
    assertTrue(md.contains("./deit benchmark fashion-mnist --grid B\n"), md);
    for (BenchmarkRun r : FashionMnistBenchmark.all(SETTINGS)) {
      assertTrue(md.contains("  " + TrainFlags.commandLine(r.config()) + "\n"), r.name());
    }
    assertFalse(md.contains("†"), md);
    String shrunk =
        BenchmarkReport.markdown(entries(new Shrink(1, null, null, null, false)), "m", "t");
    assertTrue(shrunk.contains("| **91.50** † |"), shrunk);
    assertTrue(shrunk.contains("not benchmark results"), shrunk);
  }

  @Test
  void durations() {
    assertEquals("0:00:00", BenchmarkReport.duration(0.4));
    assertEquals("1:02:03", BenchmarkReport.duration(3723.4));
    assertEquals("27:46:40", BenchmarkReport.duration(100_000));
    assertEquals("—", BenchmarkReport.duration(Double.NaN));
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }
}
