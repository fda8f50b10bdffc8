package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deit4j.cli.CliRunner;
import org.deit4j.cli.Main;
import org.deit4j.engine.Engine;
import org.deit4j.io.WriteFaults;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of disk while saving a checkpoint: {@code deit train} stops with exit code 3 and one line
 * naming the file and the cause; the previous checkpoint is intact and loadable, no temporary file
 * is left, and the run resumes from it once there is room again. Tested through a test seam ({@link
 * WriteFaults}, any machine) and, where a small tmpfs can be mounted in a private mount namespace
 * ({@code unshare -rm}: root, or unprivileged user namespaces), on a really full file system;
 * elsewhere that test is skipped and says why.
 */
class DiskFullTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void extractData() throws Exception {
    data = TinyRuns.extractData(tmp.resolve("fashion-mnist-mini"));
  }

  @Test
  void failedSaveKeepsThePreviousCheckpointAndResumes() throws Exception {
    Path out = tmp.resolve("seam");
    List<String> args = TinyRuns.trainArgs(data, out, 2, 3, 0);
    WriteFaults.Armed full = WriteFaults.diskFullAfter(CheckpointFiles.LAST, 1);
    CliRunner r;
    try {
      r = CliRunner.run(args.toArray(String[]::new));
    } finally {
      full.close();
    }
    Path last = out.resolve(CheckpointFiles.LAST);
    assertEquals(3, r.code(), r.err());
    assertEquals(
        "deit: cannot write checkpoint "
            + last
            + ": No space left on device (its previous version is intact)",
        r.err().strip());
    assertEquals(1, Checkpoint.load(last).epochsDone());
    assertTrue(TinyRuns.temps(out).isEmpty(), "temporary file deleted");

    List<String> resume = new ArrayList<>(args);
    resume.addAll(List.of("--resume", last.toString()));
    r = CliRunner.run(resume.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertEquals(3, Checkpoint.load(last).epochsDone());
  }

  @Test
  void realFullFileSystem() throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("small"));
    Process probe =
        new ProcessBuilder("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs " + mnt)
            .redirectErrorStream(true)
            .start();
    String why = new String(probe.getInputStream().readAllBytes()).strip();
    Assumptions.assumeTrue(
        probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "cannot mount a small tmpfs in a private namespace here: " + why);

    // one epoch on the real disk gives the checkpoint and its size C ...
    Path first = tmp.resolve("first");
    CliRunner r = CliRunner.run(TinyRuns.trainArgs(data, first, 2, 1, 0).toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    long c = Files.size(first.resolve(CheckpointFiles.LAST));
    // ... then the run resumes on a tmpfs of 1.5 C: the next atomic save needs 2 C
    Path after = tmp.resolve("after");
    Files.createDirectories(after);
    List<String> train =
        TinyRuns.trainArgs(
            data, mnt, 2, 3, 0, "--resume", mnt.resolve(CheckpointFiles.LAST).toString());
    List<String> java =
        TinyRuns.javaCommand(
            List.of("-Xmx1g", "-Ddeit4j.threads=" + Engine.threads()), Main.class.getName(), train);
    String script =
        String.join(
            "\n",
            "set -e",
            "mnt=$1 first=$2 after=$3",
            "shift 3",
            "mount -t tmpfs -o size=" + (c + c / 2 + 16384) + " tmpfs \"$mnt\"",
            "cp \"$first\"/last.safetensors \"$first\"/metrics.jsonl \"$mnt\"/",
            "set +e",
            "\"$@\"", // the training
            "rc=$?",
            "cp -a \"$mnt\"/. \"$after\"/", // the tmpfs vanishes with this namespace
            "exit $rc");
    List<String> cmd = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c", script, "sh"));
    cmd.addAll(List.of(mnt.toString(), first.toString(), after.toString()));
    cmd.addAll(java);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(tmp.resolve("child.out").toFile())
            .redirectError(tmp.resolve("child.err").toFile())
            .start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child finished");
    String err = Files.readString(tmp.resolve("child.err"));
    assertEquals(3, p.exitValue(), err);
    List<String> errors = err.lines().filter(l -> l.startsWith("deit:")).toList();
    assertEquals(
        List.of(
            "deit: cannot write checkpoint "
                + mnt.resolve(CheckpointFiles.LAST)
                + ": No space left on device (its previous version is intact)"),
        errors,
        err);
    Checkpoint kept = Checkpoint.load(after.resolve(CheckpointFiles.LAST));
    assertEquals(1, kept.epochsDone());
    assertArrayEquals(
        Files.readAllBytes(first.resolve(CheckpointFiles.LAST)),
        Files.readAllBytes(after.resolve(CheckpointFiles.LAST)));
    assertTrue(TinyRuns.temps(after).isEmpty(), "temporary file deleted: " + TinyRuns.temps(after));
    System.out.printf(
        "[disk-full] real ENOSPC on a %d-byte tmpfs with a %d-byte checkpoint: exit 3, %s%n",
        c + c / 2 + 16384, c, errors.get(0));
  }
}
