package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.deit4j.cli.CliRunner;
import org.deit4j.cli.Main;
import org.deit4j.engine.Engine;
import org.deit4j.io.WriteFaults;
import org.deit4j.train.report.EpochMetrics;
import org.deit4j.train.report.MetricsLog;
import org.deit4j.train.report.RunSummary;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill and resume: {@code deit train} in a child JVM is SIGKILLed at a random moment after its
 * first {@code last.safetensors} exists (mid-epoch, or while evaluating or saving), then resumed in
 * this JVM with {@code --resume OUT/last.safetensors}. Final weights, EMA and optimizer state must
 * equal an uninterrupted run's bit for bit (same machine, same thread count), and {@code
 * metrics.jsonl} must stay readable, with a line cut by the kill skipped and every epoch's record
 * equal to the uninterrupted run's.
 *
 * <p>Long version (20 kills at different moments): {@code mvn -B test -Dgroups=slow
 * -Dsurefire.excludedGroups= -Dtest=KillResumeTest}; {@code -Ddeit4j.killResumeTrials=N} sets the
 * count.
 */
class KillResumeTest {
  static final int EPOCHS = 3;

  @TempDir static Path tmp;
  static Path data;
  static Path straight;
  static double epochSeconds;

  @BeforeAll
  static void uninterrupted() throws Exception {
    data = TinyRuns.extractData(tmp.resolve("fashion-mnist-mini"));
    straight = tmp.resolve("straight");
    CliRunner r = CliRunner.run(args(straight).toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    epochSeconds =
        MetricsLog.read(straight.resolve(MetricsLog.FILE_NAME)).rows().stream()
            .mapToDouble(m -> m.value(EpochMetrics.EPOCH_SECONDS))
            .average()
            .orElseThrow();
  }

  /** 60 images, 7 steps per epoch, evaluation on 50 test images (so best is written too). */
  private static List<String> args(Path out) {
    return TinyRuns.trainArgs(data, out, 6, EPOCHS, 5);
  }

  @Test
  void killedRunResumesBitForBit() throws Exception {
    trial(0, new Random(1));
  }

  /**
   * The narrowest window: a crash after an epoch's new {@code best} is on disk and before its
   * {@code last} is (played by failing that write). The resumed run repeats the epoch and must end
   * with the uninterrupted run's {@code best}; with {@code last} written first, a crash in the same
   * window left a {@code last} naming a best epoch whose {@code best} file was never written (the
   * long version of this test found that).
   */
  @Test
  void crashBetweenBestAndLastResumesBitForBit() throws Exception {
    Path out = tmp.resolve("between");
    List<String> written = new ArrayList<>();
    Predicate<Path> lastAfterSecondBest =
        target -> {
          String name = target.getFileName().toString();
          boolean fail =
              name.equals(CheckpointFiles.LAST)
                  && !written.isEmpty()
                  && written.get(written.size() - 1).equals(CheckpointFiles.BEST)
                  && written.stream().filter(CheckpointFiles.BEST::equals).count() >= 2;
          written.add(name);
          return fail;
        };
    WriteFaults.Armed crash = WriteFaults.failWrites(lastAfterSecondBest);
    CliRunner r;
    try {
      r = CliRunner.run(args(out).toArray(String[]::new));
    } finally {
      crash.close();
    }
    Assumptions.assumeTrue(
        r.code() != 0, "top-1 never improved after the first epoch: no such window in this run");
    assertEquals(3, r.code(), r.err());
    Checkpoint last = Checkpoint.load(out.resolve(CheckpointFiles.LAST));
    assertEquals(
        last.epochsDone() + 1, Checkpoint.load(out.resolve(CheckpointFiles.BEST)).epochsDone());
    resumeAndCompare(out);
  }

  @Test
  @Tag("slow")
  void killedRunResumesBitForBitLong() throws Exception {
    Random rnd = new Random(2);
    int n = Integer.getInteger("deit4j.killResumeTrials", 20);
    for (int i = 1; i <= n; i++) {
      trial(i, rnd);
    }
    System.out.printf("[kill-resume] %d kills, %d resumed bit for bit%n", n, n);
  }

  private static void trial(int i, Random rnd) throws Exception {
    Path out = tmp.resolve("killed" + i);
    List<String> java =
        TinyRuns.javaCommand(
            List.of("-Xmx1g", "-Ddeit4j.threads=" + Engine.threads()),
            Main.class.getName(),
            args(out));
    Process p =
        new ProcessBuilder(java)
            .redirectOutput(tmp.resolve("child" + i + ".out").toFile())
            .redirectError(tmp.resolve("child" + i + ".err").toFile())
            .start();
    Path last = out.resolve(CheckpointFiles.LAST);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(last)) {
      assertTrue(
          p.isAlive(), () -> "child ended early: " + read(tmp.resolve("child" + i + ".err")));
      assertTrue(System.nanoTime() < deadline, "no checkpoint after 300 s");
      Thread.sleep(10);
    }
    long delayMs = (long) (rnd.nextDouble() * epochSeconds * 1000);
    Thread.sleep(delayMs);
    assertTrue(p.isAlive(), "the child finished before the kill");
    p.destroyForcibly().waitFor();
    int done = Checkpoint.load(last).epochsDone();
    assertTrue(done >= 1 && done < EPOCHS, "killed after epoch " + done);
    // a record cut by the kill (the kill itself rarely lands in the few microseconds of an append)
    Files.writeString(
        out.resolve(MetricsLog.FILE_NAME),
        "{\"epoch\":" + done + ",\"lr\":0.00",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    resumeAndCompare(out);
    assertFalse(
        MetricsLog.read(out.resolve(MetricsLog.FILE_NAME)).skippedLines().isEmpty(),
        "the cut line is skipped, not fatal");
    System.out.printf(
        "[kill-resume] trial %d: SIGKILL %d ms after the first checkpoint, with %d of %d epochs"
            + " saved; resumed run equals the uninterrupted one bit for bit%n",
        i, delayMs, done, EPOCHS);
  }

  /**
   * Resumes the run in {@code out} from its last checkpoint; compares it with the uninterrupted.
   */
  private static void resumeAndCompare(Path out) throws Exception {
    List<String> resume = new ArrayList<>(args(out));
    resume.addAll(List.of("--resume", out.resolve(CheckpointFiles.LAST).toString()));
    CliRunner r = CliRunner.run(resume.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());

    for (String f : new String[] {CheckpointFiles.LAST, CheckpointFiles.BEST}) {
      Checkpoint want = Checkpoint.load(straight.resolve(f));
      Checkpoint got = Checkpoint.load(out.resolve(f));
      assertEquals(want.epochsDone(), got.epochsDone(), f);
      assertEquals(want.bestEpoch(), got.bestEpoch(), f);
      assertEquals(want.bestTop1(), got.bestTop1(), f);
      assertEquals(want.model().keySet(), got.model().keySet());
      for (String k : want.model().keySet()) {
        assertEquals(want.model().get(k), got.model().get(k), f + ": weights differ at " + k);
      }
      assertEquals(want.ema(), got.ema(), f + ": EMA");
      assertEquals(want.optimizer(), got.optimizer(), f + ": optimizer state");
    }
    MetricsLog.Contents log = MetricsLog.read(out.resolve(MetricsLog.FILE_NAME));
    List<EpochMetrics> want =
        RunSummary.timeline(MetricsLog.read(straight.resolve(MetricsLog.FILE_NAME)).rows());
    List<EpochMetrics> got = RunSummary.timeline(log.rows());
    assertEquals(EPOCHS, got.size());
    for (int e = 0; e < EPOCHS; e++) {
      for (String k : List.of(EpochMetrics.LR, EpochMetrics.TRAIN_LOSS, EpochMetrics.TEST_LOSS)) {
        assertEquals(want.get(e).value(k), got.get(e).value(k), "epoch " + e + " " + k);
      }
    }
    assertTrue(TinyRuns.temps(out).isEmpty(), "temporary files: " + TinyRuns.temps(out));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
