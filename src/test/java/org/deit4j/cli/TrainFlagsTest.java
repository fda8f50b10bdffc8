package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.deit4j.bench.BenchmarkRun;
import org.deit4j.bench.FashionMnistBenchmark;
import org.deit4j.train.TrainConfig;
import org.deit4j.train.TrainFlags;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code deit train} command written for a configuration parses back to that configuration. */
class TrainFlagsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyBenchmarkRunRoundTripsThroughDeitTrain() {
    var s =
        new FashionMnistBenchmark.Settings(
            Path.of("/usr/share/datasets/fashion-mnist"), Path.of("runs/x"), 2, null);
    for (BenchmarkRun r : FashionMnistBenchmark.all(s)) {
      TrainConfig c = r.config();
      TrainCommand cmd = new TrainCommand();
      new CommandLine(cmd).parseArgs(TrainFlags.toArgs(c).toArray(String[]::new));
      assertEquals(normal(c), normal(cmd.toConfig()), r.name());
    }
  }

  /** Without distillation the teacher fields are unused and deit train fills in its default. */
  private static ObjectNode normal(TrainConfig c) {
    ObjectNode n = JSON.valueToTree(c);
    if (!c.distilling()) {
      n.remove("teacherModel");
    }
    return n;
  }

  @Test
  void shellWordsAreQuotedOnlyWhenNeeded() {
    assertEquals(
        "./deit train --data 'idx:/a b:train?perClass=1000' --lr 0.000001 'it'\\''s'",
        TrainFlags.shellJoin(
            List.of(
                "./deit",
                "train",
                "--data",
                "idx:/a b:train?perClass=1000",
                "--lr",
                "0.000001",
                "it's")));
    var run =
        FashionMnistBenchmark.plan(
                FashionMnistBenchmark.Grid.A,
                new FashionMnistBenchmark.Settings(
                    Path.of("/usr/share/datasets/fashion-mnist"), Path.of("runs/x"), 2, null))
            .get(5);
    String line = TrainFlags.commandLine(run.config());
    assertTrue(line.contains(" --lr 0.001 --unscale-lr "), line);
    assertTrue(line.contains(" --warmup-lr 0.000001 "), line);
    assertTrue(
        line.contains(" --data 'idx:/usr/share/datasets/fashion-mnist:train?perClass=1000' "),
        line);
    assertTrue(
        line.contains(
            " --distillation-type soft --teacher-model regnety_004 --teacher-args stem_stride=1 "),
        line);
    assertTrue(line.contains(" --eval-interval 10 "), line);
  }
}
