package org.deit4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.deit4j.cli.CliRunner;
import org.deit4j.cli.ExitCodes;
import org.deit4j.train.Checkpoint;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker SIGKILLed mid-run (rank 1, or rank 0 with the store): the launcher reports it, the
 * surviving worker fails its next collective and exits, the job ends non-zero (well within the
 * timeout for a dead peer), the last checkpoint is intact, and {@code --resume} with the same world
 * size finishes the run.
 */
class KillWorkerTest {
  static final int EPOCHS = 3;
  static final int TIMEOUT_S = 30;

  @TempDir Path tmp;

  @ParameterizedTest(name = "rank {0} killed")
  @ValueSource(ints = {1, 0}) // rank 0 also hosts the rendezvous store and writes checkpoints
  void killedWorkerStopsTheJobAndResumeFinishesIt(int victim) throws Exception {
    Path data = DistRuns.extractData(tmp.resolve("fm"));
    Path out = tmp.resolve("run");
    List<String> args =
        DistRuns.args(
            data,
            out,
            4, // 40 images: 5 steps of 2 x 4 per epoch
            4,
            EPOCHS,
            0,
            "--nproc-per-node",
            "2",
            "--dist-timeout",
            Integer.toString(TIMEOUT_S));
    CompletableFuture<CliRunner> job = CompletableFuture.supplyAsync(() -> DistRuns.run(args));
    Path last = out.resolve("last.safetensors");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(last)) {
      assertTrue(!job.isDone(), () -> "job ended early: " + job.join().err());
      assertTrue(System.nanoTime() < deadline, "no checkpoint after 300 s");
      Thread.sleep(20);
    }
    ProcessHandle killed =
        worker(victim).orElseThrow(() -> new AssertionError("no rank-" + victim + " worker"));
    long killedAt = System.nanoTime();
    killed.destroyForcibly();

    CliRunner r = job.get(TIMEOUT_S + 60, TimeUnit.SECONDS); // a hang guard, not a timing test
    double seconds = (System.nanoTime() - killedAt) / 1e9;
    assertEquals(ExitCodes.PEER_FAILED, r.code(), r.err());
    assertTrue(
        r.err().contains("worker rank " + victim + " exited with code 137 (killed by signal 9)"),
        r.err());
    assertTrue(
        r.err().contains("deit: distributed training: "), "the survivor's message: " + r.err());
    int done = Checkpoint.load(last).epochsDone(); // loads: intact, checksum verified
    assertTrue(done >= 1, "epochs done " + done);
    System.out.printf(
        "[kill-worker] rank %d SIGKILLed with %d of %d epochs saved; the job exited with code %d"
            + " %.1f s later; resuming%n",
        victim, done, EPOCHS, r.code(), seconds);
    Files.writeString(tmp.resolve("first.err"), r.err(), StandardCharsets.UTF_8);

    List<String> resume = new java.util.ArrayList<>(args);
    resume.addAll(List.of("--resume", last.toString()));
    CliRunner again = DistRuns.run(resume);
    assertEquals(0, again.code(), again.err());
    assertEquals(EPOCHS, Checkpoint.load(last).epochsDone());
  }

  /**
   * A worker that hangs (SIGSTOP) rather than dies: the other fails its collective after {@code
   * --dist-timeout}, and the launcher kills the hung one after the grace period; no silent hang.
   * Run with {@code mvn -B test -Dgroups=slow -Dsurefire.excludedGroups= -Dtest=KillWorkerTest}.
   */
  @Test
  @Tag("slow") // ~50 s: timeout + grace + two JVM starts
  void hungWorkerFailsTheJobAfterTheTimeout() throws Exception {
    Path data = DistRuns.extractData(tmp.resolve("fm"));
    Path out = tmp.resolve("hung");
    List<String> args =
        DistRuns.args(data, out, 4, 4, 50, 0, "--nproc-per-node", "2", "--dist-timeout", "5");
    CompletableFuture<CliRunner> job = CompletableFuture.supplyAsync(() -> DistRuns.run(args));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(out.resolve("last.safetensors"))) {
      assertTrue(!job.isDone(), () -> "job ended early: " + job.join().err());
      assertTrue(System.nanoTime() < deadline, "no checkpoint after 300 s");
      Thread.sleep(20);
    }
    ProcessHandle rank1 = worker(1).orElseThrow(() -> new AssertionError("no rank-1 worker"));
    long stoppedAt = System.nanoTime();
    Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(rank1.pid())).start();
    assertEquals(0, stop.waitFor());
    CliRunner r = job.get(120, TimeUnit.SECONDS); // hang guard
    double seconds = (System.nanoTime() - stoppedAt) / 1e9;
    assertEquals(ExitCodes.PEER_FAILED, r.code(), r.err());
    assertTrue(r.err().contains("Timed out"), r.err());
    assertTrue(r.err().contains("killing worker rank 1"), r.err());
    System.out.printf(
        "[hung-worker] rank 1 SIGSTOPped; job exited with code %d %.1f s later (timeout 5 s,"
            + " grace 10 s)%n",
        r.code(), seconds);
  }

  /** This JVM's descendant whose environment says {@code RANK=rank}. */
  private static Optional<ProcessHandle> worker(int rank) {
    return ProcessHandle.current()
        .descendants()
        .filter(
            p -> {
              try {
                String env =
                    Files.readString(
                        Path.of("/proc", Long.toString(p.pid()), "environ"),
                        StandardCharsets.ISO_8859_1);
                return env.contains("\0RANK=" + rank + "\0")
                    || env.startsWith("RANK=" + rank + "\0");
              } catch (java.io.IOException e) {
                return false;
              }
            })
        .findFirst();
  }
}
