package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deit4j.cli.CliRunner;
import org.deit4j.io.HostTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 3: a few batches through train → checkpoint → resume → eval → predict, on the bundled
 * Fashion-MNIST subset with a tiny distilled DeiT and an (untrained) RegNetY teacher.
 */
class TrainEndToEndTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void extractData() throws Exception {
    data = TinyRuns.extractData(tmp.resolve("fashion-mnist-mini"));
  }

  /** A tiny distilled run: 20 images (2 per class), batch 8 → 2 steps per epoch. */
  static String[] trainArgs(Path out, int epochs, String... extra) {
    return TinyRuns.trainArgs(data, out, 2, epochs, 100, extra).toArray(String[]::new);
  }

  @Test
  void trainCheckpointResumeEvalPredict() throws Exception {
    Path straight = tmp.resolve("straight");
    CliRunner r = CliRunner.run(trainArgs(straight, 2));
    assertEquals(0, r.code(), r.err());
    for (String f :
        new String[] {
          "last.safetensors",
          "best.safetensors",
          "metrics.jsonl",
          "report.md",
          "loss.png",
          "lr.png",
          "top1.png"
        }) {
      assertTrue(Files.exists(straight.resolve(f)), f);
    }
    assertEquals(2, Files.readAllLines(straight.resolve("metrics.jsonl")).size());
    assertTrue(Files.readString(straight.resolve("metrics.jsonl")).contains("test_top1_dist"));

    // interrupted after epoch 1, then resumed: the same weights, bit for bit
    Path split = tmp.resolve("split");
    assertEquals(0, CliRunner.run(trainArgs(split, 1)).code());
    Checkpoint after1 = Checkpoint.load(split.resolve("last.safetensors"));
    assertEquals(1, after1.epochsDone());
    r =
        CliRunner.run(
            trainArgs(split, 2, "--resume", split.resolve("last.safetensors").toString()));
    assertEquals(0, r.code(), r.err());
    Map<String, HostTensor> a = Checkpoint.load(straight.resolve("last.safetensors")).model();
    Map<String, HostTensor> b = Checkpoint.load(split.resolve("last.safetensors")).model();
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), "resumed weights differ at " + k);
    }
    Map<String, HostTensor> o1 = Checkpoint.load(straight.resolve("last.safetensors")).optimizer();
    Map<String, HostTensor> o2 = Checkpoint.load(split.resolve("last.safetensors")).optimizer();
    assertEquals(o1, o2, "optimizer state after resume");

    Path best = straight.resolve("best.safetensors");
    CliRunner ev = eval(best, data);
    assertEquals(0, ev.code(), ev.err());
    assertTrue(ev.out().contains("\"images\":1000"), ev.out());
    assertTrue(ev.out().contains("\"dist\""), ev.out());

    Path exported = tmp.resolve("student.safetensors");
    CliRunner cv = CliRunner.run("convert", best.toString(), exported.toString());
    assertEquals(0, cv.code(), cv.err());
    Map<String, HostTensor> timmKeys = org.deit4j.io.Safetensors.read(exported).tensors();
    assertTrue(
        timmKeys.containsKey("blocks.0.attn.qkv.weight") && timmKeys.containsKey("head_dist.bias"),
        timmKeys.keySet().toString());

    Path img = tmp.resolve("shoe.png");
    org.deit4j.augment.ImageCodec.writePng(
        org.deit4j.data.DatasetSpec.parse(data + ":t10k").open().image(0), img);
    CliRunner pr =
        CliRunner.run(
            "predict", "--weights", best.toString(), "--images", img.toString(), "--json");
    assertEquals(0, pr.code(), pr.err());
    var top = new com.fasterxml.jackson.databind.ObjectMapper().readTree(pr.out()).get("top");
    assertEquals(5, top.size(), pr.out());
    double sum = 0;
    for (int i = 0; i < top.size(); i++) {
      String label = top.get(i).get("label").asText();
      assertEquals(
          org.deit4j.data.ClassMap.FASHION_MNIST.name(top.get(i).get("index").asInt()), label);
      double p = top.get(i).get("probability").asDouble();
      assertTrue(
          i == 0 || p <= top.get(i - 1).get("probability").asDouble(), "sorted: " + pr.out());
      sum += p;
    }
    assertTrue(sum > 0 && sum <= 1.0 + 1e-6, "top-5 probabilities sum to " + sum);

    // --dtype on the forward-only verbs: bf16 runs (and says so), anything else is refused
    CliRunner ev16 = eval(best, data, "--dtype", "bf16");
    assertEquals(0, ev16.code(), ev16.err());
    assertTrue(ev16.out().contains("\"dtype\":\"bf16\""), ev16.out());
    CliRunner pr16 =
        CliRunner.run(
            "predict", "--weights", best.toString(), "--images", img.toString(), "--dtype", "fp16");
    assertTrue(pr16.code() != 0, "fp16 is not a supported precision: " + pr16.out());
  }

  /** {@code deit eval --weights W --data DATA:t10k --json [extra...]}. */
  private static CliRunner eval(Path weights, Object data, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("eval", "--weights", weights.toString(), "--data", data + ":t10k", "--json"));
    args.addAll(List.of(extra));
    return CliRunner.run(args.toArray(String[]::new));
  }

  @Test
  void divergenceStopsWithItsOwnExitCodeAndNoCheckpoint() {
    Path out = tmp.resolve("diverged");
    CliRunner r = CliRunner.run(trainArgs(out, 3, "--lr", "1e12", "--warmup-epochs", "0"));
    assertEquals(4, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("diverged"), r.err());
    assertFalse(Files.exists(out.resolve("last.safetensors")), "no checkpoint after a bad step");
  }

  @Test
  void configFileSuppliesFlagsAndCliOverrides() throws Exception {
    Path out = tmp.resolve("fromconfig");
    Path yaml = tmp.resolve("recipe.yaml");
    Files.writeString(
        yaml,
        "model: vit_fm_patch4_28\nmodel-args: {depth: 1, embed_dim: 32}\n"
            + "per_class: 2\nbatch-size: 8\nepochs: 5\nrepeated-aug: false\nmodel-ema: false\n"
            + "mean: [0.286, 0.286, 0.286]\nstd: [0.353, 0.353, 0.353]\n");
    CliRunner r =
        CliRunner.run(
            "train",
            "--config",
            yaml.toString(),
            "--data",
            data + ":train",
            "--epochs",
            "1",
            "--output-dir",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "CLI --epochs wins");
    Checkpoint c = Checkpoint.load(out.resolve("last.safetensors"));
    assertEquals(8, c.config().batchSize());
    assertEquals("32", c.config().modelArgs().get("embed_dim"));
    assertTrue(c.ema().isEmpty());
  }
}
