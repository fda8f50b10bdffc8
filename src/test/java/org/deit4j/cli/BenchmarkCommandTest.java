package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deit4j.bench.BenchmarkResult;
import org.deit4j.bench.FashionMnistBenchmark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deit benchmark fashion-mnist}: plan listing, clear errors, a shrunk run and its report.
 */
class BenchmarkCommandTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void extractData() throws Exception {
    data = tmp.resolve("fashion-mnist-mini");
    Files.createDirectories(data);
    for (String f : FashionMnistBenchmark.DATA_FILES) {
      try (InputStream in =
          BenchmarkCommandTest.class.getResourceAsStream("/org/deit4j/quickstart/" + f)) {
        Files.copy(in, data.resolve(f));
      }
    }
  }

  static CliRunner bench(Path out, String... more) {
    String[] base = {
      "benchmark",
      "fashion-mnist",
      "--data-dir",
      data.toString(),
      "--output-dir",
      out.toString(),
      "--report",
      out.resolve("report.md").toString(),
      "--x-shrink",
      "epochs=1,perClass=2,testPerClass=5,batch=8,tiny=true"
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CliRunner.run(all);
  }

  @Test
  void listShowsBothGridsWithoutTraining() {
    Path out = tmp.resolve("list");
    CliRunner r = bench(out, "--list");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("grid A: 1 epochs, repeated augmentation x3, test top-1 every 10"),
        r.out());
    assertTrue(r.out().contains("A-hard-cls"), r.out());
    assertTrue(r.out().contains("B-deit-hard     pending"), r.out());
    assertTrue(r.out().contains("[teacher: B-teacher]"), r.out());
    assertTrue(r.out().contains("(present)"), r.out());
    assertTrue(Files.notExists(out));
  }

  @Test
  void clearErrors() {
    Path out = tmp.resolve("errors");
    CliRunner noGrid = bench(out);
    assertEquals(ExitCodes.USAGE, noGrid.code());
    assertTrue(noGrid.err().contains("--grid A|B is required"), noGrid.err());

    CliRunner unknown = bench(out, "--grid", "A", "--runs", "A-vit-s2");
    assertEquals(ExitCodes.USAGE, unknown.code());
    assertTrue(unknown.err().contains("unknown run 'A-vit-s2'"), unknown.err());

    CliRunner noTeacher = bench(out, "--grid", "A", "--runs", "A-deit-soft,A-hard-cls");
    assertEquals(ExitCodes.USAGE, noTeacher.code());
    assertTrue(
        noTeacher
            .err()
            .contains("A-deit-soft, A-hard-cls distil from A-teacher, which has not finished"),
        noTeacher.err());
    assertTrue(noTeacher.err().contains("--runs A-teacher"), noTeacher.err());

    CliRunner noData =
        CliRunner.run(
            "benchmark",
            "fashion-mnist",
            "--grid",
            "B",
            "--data-dir",
            tmp.resolve("nothing").toString(),
            "--output-dir",
            out.toString());
    assertEquals(ExitCodes.INPUT, noData.code());
    assertTrue(noData.err().contains("apt-get install -y dataset-fashion-mnist"), noData.err());
    assertTrue(Files.notExists(out));
  }

  @Test
  void runsTheSelectionThenSkipsIt() throws Exception {
    Path out = tmp.resolve("run");
    CliRunner r = bench(out, "--grid", "B", "--runs", "B-teacher");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("== [1/1] B-teacher: RegNetY-400MF teacher, plain recipe (pending)"),
        r.out());
    assertTrue(r.out().contains("   finished: top-1 "), r.out());
    Path result = out.resolve("B-teacher").resolve(BenchmarkResult.FILE_NAME);
    assertTrue(Files.isRegularFile(result));
    assertTrue(BenchmarkResult.read(result).command().contains("--grid B --runs B-teacher"));
    String md = Files.readString(out.resolve("report.md"));
    assertTrue(
        md.contains("| `B-teacher` | RegNetY-400MF teacher, plain recipe | 2,797,686 | **"), md);
    assertTrue(md.contains("| `B-vit` | ViT, deit recipe | — |"), md);
    assertTrue(md.contains("†"), md);

    CliRunner again = bench(out, "--grid", "B", "--runs", "B-teacher");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("(done)"), again.out());
    assertTrue(again.out().contains("already finished: top-1"), again.out());
    assertTrue(
        bench(out, "--list", "--grid", "B").out().contains("B-teacher       done     top-1"));
  }
}
