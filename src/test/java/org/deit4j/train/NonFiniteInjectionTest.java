package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.deit4j.cli.CliRunner;
import org.deit4j.io.ReadOptions;
import org.deit4j.io.Safetensors;
import org.deit4j.train.StepFaults.Fault;
import org.deit4j.train.StepFaults.Target;
import org.deit4j.train.report.MetricsLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NaN or Inf planted in the loss or in one gradient element at a chosen (epoch, step) ({@link
 * StepFaults}) stops {@code deit train} in that very step with exit code 4; no checkpoint is
 * written after it, and the checkpoints on disk are all finite.
 *
 * <p>Long version (every step of a 3-epoch run, loss and gradient, NaN/+Inf/-Inf, with and without
 * {@code --clip-grad}): {@code mvn -B test -Dgroups=slow -Dsurefire.excludedGroups=
 * -Dtest=NonFiniteInjectionTest}.
 */
class NonFiniteInjectionTest {
  @TempDir static Path tmp;
  static Path data;
  static int runs;

  @BeforeAll
  static void extractData() throws Exception {
    data = TinyRuns.extractData(tmp.resolve("fashion-mnist-mini"));
  }

  @AfterEach
  void disarm() {
    StepFaults.disarm();
  }

  @Test
  void nanLossIsCaughtInItsStep() throws Exception {
    check(new Fault(Target.LOSS, 1, 1, Double.NaN), false);
  }

  @Test
  void nanGradientWithAFiniteLossIsCaughtInItsStep() throws Exception {
    check(new Fault(Target.GRADIENT, 1, 0, Double.NaN), false);
  }

  @Test
  void infiniteGradientIsCaughtInItsStepWhenClipping() throws Exception {
    check(new Fault(Target.GRADIENT, 2, 1, Double.POSITIVE_INFINITY), true);
  }

  @Test
  void faultInTheFirstStepLeavesNoCheckpoint() throws Exception {
    check(new Fault(Target.LOSS, 0, 0, Double.NEGATIVE_INFINITY), false);
  }

  @Test
  @Tag("slow")
  void everyStepTargetAndValue() throws Exception {
    List<Fault> faults = new ArrayList<>();
    for (Target t : Target.values()) {
      for (double v :
          new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        for (int e = 0; e < 3; e++) {
          for (int s = 0; s < 2; s++) {
            faults.add(new Fault(t, e, s, v));
          }
        }
      }
    }
    for (int i = 0; i < faults.size(); i++) {
      check(faults.get(i), i % 2 == 1);
    }
    System.out.printf("[nonfinite] %d injected faults, %d caught in their step%n", runs, runs);
  }

  /** Runs 3 epochs of 2 steps with {@code fault} armed and checks what the run left. */
  private static void check(Fault fault, boolean clip) throws Exception {
    Path out = tmp.resolve("run" + runs++);
    List<String> args = TinyRuns.trainArgs(data, out, 2, 3, 1);
    if (clip) {
      args.addAll(List.of("--clip-grad", "1.0"));
    }
    StepFaults.arm(fault);
    CliRunner r;
    try {
      r = CliRunner.run(args.toArray(String[]::new));
    } finally {
      StepFaults.disarm();
    }
    String where = "at epoch " + fault.epoch() + " step " + fault.step();
    String what = fault.target() == Target.LOSS ? "loss " : "gradient norm ";
    assertEquals(4, r.code(), fault + ": " + r.err());
    assertTrue(r.err().contains("training diverged: " + what + where), fault + ": " + r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());

    Path last = out.resolve(CheckpointFiles.LAST);
    if (fault.epoch() == 0) {
      assertFalse(Files.exists(last), "no checkpoint before the first epoch ends");
    } else {
      assertEquals(fault.epoch(), Checkpoint.load(last).epochsDone(), "no checkpoint after it");
    }
    for (String f : new String[] {CheckpointFiles.LAST, CheckpointFiles.BEST}) {
      if (Files.exists(out.resolve(f))) {
        Safetensors.read(out.resolve(f), ReadOptions.defaults().withRequireFinite(true));
      }
    }
    if (fault.epoch() > 0) {
      List<Integer> epochs =
          MetricsLog.read(out.resolve(MetricsLog.FILE_NAME)).rows().stream()
              .map(m -> m.epoch())
              .toList();
      assertEquals(IntStream.range(0, fault.epoch()).boxed().toList(), epochs);
    }
    assertTrue(TinyRuns.temps(out).isEmpty());
  }
}
