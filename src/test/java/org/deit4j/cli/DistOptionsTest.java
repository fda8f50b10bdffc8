package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistOptionsTest {
  @Test
  void workersGetTheArgumentsWithoutTheLaunchFlags() {
    List<String> launcher =
        List.of(
            "--verbose",
            "train",
            "--nproc-per-node",
            "2",
            "--model",
            "vit_fm_patch4_28",
            "--nnodes=1",
            "--node-rank",
            "0",
            "--master-addr",
            "127.0.0.1",
            "--master-port=29511",
            "--dist-timeout",
            "30",
            "--epochs",
            "3");
    assertEquals(
        List.of("--verbose", "train", "--model", "vit_fm_patch4_28", "--epochs", "3"),
        DistOptions.workerArgs(launcher));
  }

  @Test
  void aBadLaunchIsAUsageError() {
    CliRunner r =
        CliRunner.run(
            "train", "--data", "x", "--model", "vit_fm_patch4_28", "--nproc-per-node", "0");
    assertEquals(ExitCodes.USAGE, r.code(), r.err());
    assertEquals(true, r.err().contains("--nproc-per-node must be >= 1"), r.err());
  }
}
