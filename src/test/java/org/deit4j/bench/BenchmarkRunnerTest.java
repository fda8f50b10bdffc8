package org.deit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.deit4j.bench.BenchmarkRunner.Outcome;
import org.deit4j.bench.BenchmarkRunner.State;
import org.deit4j.bench.FashionMnistBenchmark.Grid;
import org.deit4j.io.HostTensor;
import org.deit4j.train.Checkpoint;
import org.deit4j.train.TrainListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumability on shrunk real runs (bundled Fashion-MNIST subset, 20 training images, 50 test
 * images, batch 8 → 2 steps per epoch, 2 epochs, tiny models): a finished run is skipped, an
 * interrupted one resumes to the same weights as an uninterrupted one, a student needs its teacher,
 * a folder with other settings is refused.
 */
class BenchmarkRunnerTest {
  static final Shrink SHRINK = new Shrink(2, 2, 5, 8, true);
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void extractData() throws Exception {
    data = copyBundledData(tmp.resolve("fashion-mnist-mini"));
  }

  /** Copies the bundled IDX subset (the folder name selects Fashion-MNIST class names). */
  static Path copyBundledData(Path dir) throws Exception {
    Files.createDirectories(dir);
    for (String f : FashionMnistBenchmark.DATA_FILES) {
      try (InputStream in =
          BenchmarkRunnerTest.class.getResourceAsStream("/org/deit4j/quickstart/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir;
  }

  static List<BenchmarkRun> plan(Path out) {
    return FashionMnistBenchmark.plan(
        Grid.B, new FashionMnistBenchmark.Settings(data, out, 2, SHRINK));
  }

  static BenchmarkRun named(List<BenchmarkRun> plan, String name) {
    return plan.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  /** Stops the run at the first step of epoch {@code epoch}, as a kill would. */
  static TrainListener killAt(int epoch) {
    return new TrainListener() {
      @Override
      public void onStep(StepInfo s) {
        if (s.epoch() == epoch) {
          throw new IllegalStateException("killed");
        }
      }
    };
  }

  @Test
  void skipsFinishedResumesUnfinishedAndNeedsTheTeacher() throws Exception {
    Path out = tmp.resolve("runs");
    List<BenchmarkRun> plan = plan(out);
    BenchmarkRunner runner = new BenchmarkRunner(SHRINK);
    BenchmarkRun teacher = named(plan, "B-teacher");
    BenchmarkRun student = named(plan, "B-deit-hard");

    // a student before its teacher: reported up front, refused by run()
    assertEquals(Map.of("B-deit-hard", "B-teacher"), runner.missingTeachers(List.of(student)));
    assertEquals(Map.of(), runner.missingTeachers(List.of(teacher, student)));
    IllegalStateException noTeacher =
        assertThrows(IllegalStateException.class, () -> runner.run(student, List.of(), "cmd"));
    assertTrue(noTeacher.getMessage().contains("B-teacher"), noTeacher.getMessage());
    assertFalse(Files.exists(student.dir().resolve("last.safetensors")));

    assertEquals(State.PENDING, runner.status(teacher).state());
    BenchmarkRunner.Done t = runner.run(teacher, List.of(), "cmd-teacher");
    assertEquals(Outcome.TRAINED, t.outcome());
    assertEquals(State.DONE, runner.status(teacher).state());
    assertEquals(2, t.result().epochs());
    assertNull(t.result().top1Cls());
    assertEquals(List.of(2), t.result().curve().stream().map(p -> p.epoch()).toList());
    assertEquals(t.result().top1(), t.result().curve().get(0).top1());
    assertNotNull(t.result().shrink());
    assertEquals("cmd-teacher", t.result().command());
    assertTrue(t.result().trainCommand().startsWith("./deit train --model regnety_002 "));

    // finished: skipped without touching the folder
    Path last = teacher.dir().resolve("last.safetensors");
    FileTime before = Files.getLastModifiedTime(last);
    BenchmarkRunner.Done again = runner.run(teacher, List.of(), "cmd-teacher");
    assertEquals(Outcome.SKIPPED, again.outcome());
    assertEquals(t.result().finishedAt(), again.result().finishedAt());
    assertEquals(t.result().top1(), again.result().top1());
    assertEquals(before, Files.getLastModifiedTime(last));

    // interrupted during epoch 2, then resumed: same result as uninterrupted
    assertEquals(Map.of(), runner.missingTeachers(List.of(student)));
    assertThrows(IllegalStateException.class, () -> runner.run(student, List.of(killAt(1)), "c"));
    BenchmarkRunner.Status partial = runner.status(student);
    assertEquals(State.PARTIAL, partial.state());
    assertEquals(1, partial.epochsDone());
    BenchmarkRunner.Done resumed = runner.run(student, List.of(), "c");
    assertEquals(Outcome.RESUMED, resumed.outcome());
    assertEquals(1, resumed.startEpoch());
    BenchmarkResult r = resumed.result();
    assertNotNull(r.top1Cls(), "distilled student: cls head");
    assertNotNull(r.top1Dist(), "distilled student: dist head");
    assertEquals("B-teacher", r.teacher().run());
    assertEquals(64, r.teacher().sha256().length());

    Path straightOut = tmp.resolve("straight");
    copyTeacher(teacher.dir(), straightOut.resolve("B-teacher"));
    BenchmarkRun straight = named(plan(straightOut), "B-deit-hard");
    BenchmarkResult s = runner.run(straight, List.of(), "c").result();
    assertEquals(s.top1(), r.top1());
    assertEquals(s.top1Cls(), r.top1Cls());
    assertEquals(s.top1Dist(), r.top1Dist());
    Map<String, HostTensor> a = Checkpoint.load(student.dir().resolve("last.safetensors")).model();
    Map<String, HostTensor> b = Checkpoint.load(straight.dir().resolve("last.safetensors")).model();
    assertEquals(a, b, "resumed weights equal uninterrupted weights");
  }

  private static void copyTeacher(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    for (String f : List.of("last.safetensors", "result.json")) {
      Files.copy(from.resolve(f), to.resolve(f));
    }
  }

  @Test
  void aFolderWithOtherSettingsIsRefused() throws Exception {
    Path out = tmp.resolve("mismatch");
    BenchmarkRunner runner = new BenchmarkRunner(SHRINK);
    BenchmarkRun plain = named(plan(out), "B-vit-plain");
    assertThrows(IllegalStateException.class, () -> runner.run(plain, List.of(killAt(1)), "c"));
    // the same folder planned with 3 epochs is another run
    BenchmarkRun longer =
        named(
            FashionMnistBenchmark.plan(
                Grid.B,
                new FashionMnistBenchmark.Settings(data, out, 2, new Shrink(3, 2, 5, 8, true))),
            "B-vit-plain");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> runner.run(longer, List.of(), "c"));
    assertTrue(e.getMessage().contains("other settings"), e.getMessage());
    // the loader thread count is not a setting: resuming with 1 thread is fine
    BenchmarkRun oneThread =
        named(
            FashionMnistBenchmark.plan(
                Grid.B, new FashionMnistBenchmark.Settings(data, out, 1, SHRINK)),
            "B-vit-plain");
    assertEquals(Outcome.RESUMED, runner.run(oneThread, List.of(), "c").outcome());
  }

  @Test
  void aKillAfterTheLastCheckpointIsRecoveredByEvaluatingIt() throws Exception {
    Path out = tmp.resolve("lost-line");
    BenchmarkRunner runner = new BenchmarkRunner(SHRINK);
    BenchmarkRun plain = named(plan(out), "B-vit-plain");
    BenchmarkResult full = runner.run(plain, List.of(), "c").result();
    // as if killed after the last checkpoint, before its log line and result.json
    Files.delete(plain.dir().resolve(BenchmarkResult.FILE_NAME));
    Path log = plain.dir().resolve("metrics.jsonl");
    List<String> lines = Files.readAllLines(log);
    Files.write(log, lines.subList(0, lines.size() - 1));
    BenchmarkRunner.Done d = runner.run(plain, List.of(), "c");
    assertEquals(Outcome.RESUMED, d.outcome());
    assertEquals(2, d.startEpoch());
    assertEquals(full.top1(), d.result().top1(), "the same checkpoint, evaluated again");
  }
}
