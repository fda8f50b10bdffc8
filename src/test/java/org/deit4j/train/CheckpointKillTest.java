package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL during checkpoint saves: a child JVM ({@link CheckpointWriterChild}) saves checkpoints in
 * a loop and is killed ({@code destroyForcibly}, SIGKILL on Linux) after a random delay; the next
 * child continues in the same folder. After every kill, {@code last} and {@code best} must load
 * (checksum verified) and hold exactly the content of a round the child reported or was about to
 * report, and at most one temporary file may be left over (which the next child removes).
 *
 * <p>Long version (200 trials): {@code mvn -B test -Dgroups=slow -Dsurefire.excludedGroups=
 * -Dtest=CheckpointKillTest}; {@code -Ddeit4j.killTrials=N} sets the count.
 */
class CheckpointKillTest {
  @TempDir Path tmp;

  @Test
  void killedSaverAlwaysLeavesALoadableCheckpoint() throws Exception {
    trials(10, 1);
  }

  @Test
  @Tag("slow")
  void killedSaverAlwaysLeavesALoadableCheckpointLong() throws Exception {
    trials(Integer.getInteger("deit4j.killTrials", 200), 2);
  }

  private void trials(int count, long seed) throws Exception {
    Path dir = tmp.resolve("ckpt");
    Random rnd = new Random(seed);
    int midWrite = 0;
    int afterRename = 0;
    int previous = 0;
    boolean bestSeen = false;
    List<Path> leftOver = List.of();
    for (int t = 0; t < count; t++) {
      Process p =
          new ProcessBuilder(
                  TinyRuns.javaCommandWithoutLibtorch(
                      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                      CheckpointWriterChild.class.getName(),
                      List.of(dir.toString())))
              .redirectError(tmp.resolve("child-" + t + ".err").toFile())
              .start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> pump(p, lines));
      reader.start();
      int ack = -1;
      long saveMillis = 0;
      for (int rounds = 0; rounds < 2; ) { // the second round's length is the warm one
        String line = lines.poll(120, TimeUnit.SECONDS);
        if (line == null || line.equals(EOF)) {
          p.destroyForcibly();
          fail("child saved nothing: " + Files.readString(tmp.resolve("child-" + t + ".err")));
        }
        if (line.startsWith("saved ")) {
          String[] f = line.split(" ");
          ack = Integer.parseInt(f[1]);
          saveMillis = Long.parseLong(f[2]);
          rounds++;
        }
      }
      for (Path stale : leftOver) {
        assertFalse(Files.exists(stale), "the next writer removes " + stale);
      }
      if (t % 2 == 0) { // aim at a save: the next one's start + up to the last one's length
        for (String line = lines.take(); !line.startsWith("saving "); line = lines.take()) {
          assertFalse(line.equals(EOF), "child died on its own");
        }
        Thread.sleep(rnd.nextInt((int) Math.max(2, saveMillis)));
      } else { // anywhere in the save loop
        Thread.sleep(rnd.nextInt(250));
      }
      assertTrue(p.isAlive(), "child died on its own");
      p.destroyForcibly().waitFor();
      reader.join();
      for (String line : lines) {
        if (line.startsWith("saved ")) {
          ack = Integer.parseInt(line.split(" ")[1]);
        }
      }

      Checkpoint last = Checkpoint.load(dir.resolve(CheckpointFiles.LAST));
      int n = last.epochsDone();
      assertTrue(n == ack || n == ack + 1, "last holds round " + n + ", child reported " + ack);
      assertTrue(n > previous, "no progress: " + n);
      assertSame(CheckpointWriterChild.checkpoint(n), last);
      if (n == ack + 1) {
        afterRename++;
      }
      Path bestFile = dir.resolve(CheckpointFiles.BEST);
      // best is written before last: it may be one round ahead (redone by the next child)
      if (bestSeen || n >= 3) {
        bestSeen = true;
        Checkpoint best = Checkpoint.load(bestFile);
        int b = best.epochsDone();
        assertTrue(b % 3 == 0 && b > n - 3 && b <= n + 1, "best holds round " + b + ", last " + n);
        assertSame(CheckpointWriterChild.checkpoint(b), best);
      }
      leftOver = TinyRuns.temps(dir);
      assertTrue(leftOver.size() <= 1, "temporary files left: " + leftOver);
      midWrite += leftOver.size();
      previous = n;
    }
    System.out.printf(
        "[kill] %d SIGKILLs during checkpoint saves, %d survived (checkpoint loads, checksum and"
            + " content match); %d landed mid-write (temporary file left), %d between rename and"
            + " report%n",
        count, count, midWrite, afterRename);
  }

  private static final String EOF = "<eof>";

  /** Copies the child's output lines into {@code lines}, then {@link #EOF}. */
  private static void pump(Process p, BlockingQueue<String> lines) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the pipe may break with the kill
    }
    lines.add(EOF);
  }

  private static void assertSame(Checkpoint want, Checkpoint got) {
    assertEquals(want.epochsDone(), got.epochsDone());
    assertEquals(want.bestEpoch(), got.bestEpoch());
    assertEquals(want.model(), got.model(), "model tensors of round " + want.epochsDone());
    assertEquals(want.ema(), got.ema(), "EMA tensors of round " + want.epochsDone());
    assertEquals(
        want.optimizer(), got.optimizer(), "optimizer state of round " + want.epochsDone());
  }
}
