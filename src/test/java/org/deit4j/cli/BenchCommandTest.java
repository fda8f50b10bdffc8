package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.deit4j.model.ModelStats;
import org.deit4j.model.VitConfig;
import org.junit.jupiter.api.Test;

/** {@code deit bench}: the JSON lines the peer harness matches, and usage errors. Nothing timed. */
class BenchCommandTest {
  private static final List<String> KEYS =
      List.of(
          "engine",
          "model",
          "batch",
          "dtype",
          "threads",
          "images_per_s",
          "ms_per_batch",
          "gflops_per_image",
          "mfu");

  @Test
  void inferPrintsOneJsonLinePerBatchAndDtype() throws Exception {
    CliRunner r =
        CliRunner.run(
            "bench",
            "infer",
            "--model",
            "vit_fm_patch4_28",
            "--batch",
            "1,2",
            "--dtype",
            "fp32,bf16",
            "--warmup",
            "0",
            "--runs",
            "1",
            "--min-seconds",
            "0",
            "--gemm-size",
            "64",
            "--json");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(4, lines.length, r.out());
    ObjectMapper m = new ObjectMapper();
    for (int i = 0; i < lines.length; i++) {
      JsonNode j = m.readTree(lines[i]);
      for (String k : KEYS) {
        assertTrue(j.has(k), k + " missing in " + lines[i]);
      }
      assertEquals("deit4j", j.get("engine").asText());
      assertEquals("vit_fm_patch4_28", j.get("model").asText());
      assertEquals(i < 2 ? 1 : 2, j.get("batch").asInt());
      assertEquals(i % 2 == 0 ? "fp32" : "bf16", j.get("dtype").asText());
      assertEquals(
          ModelStats.gflops(VitConfig.preset("vit_fm_patch4_28")),
          j.get("gflops_per_image").asDouble(),
          1e-4);
      double ips = j.get("images_per_s").asDouble();
      double ms = j.get("ms_per_batch").asDouble();
      assertTrue(ips > 0 && ms > 0, lines[i]);
      assertEquals(j.get("batch").asInt() * 1000.0 / ms, ips, 0.02 * ips, "images/s = B / time");
    }
  }

  @Test
  void trainStepWithTeacherReportsTheStudentShare() throws Exception {
    CliRunner r =
        CliRunner.run(
            "bench",
            "train",
            "--model",
            "deit_fm_distilled_patch4_28",
            "--teacher",
            "regnety_002",
            "--teacher-args",
            "stem_stride=1",
            "--batch",
            "2",
            "--warmup",
            "0",
            "--runs",
            "1",
            "--min-seconds",
            "0",
            "--gemm-size",
            "64",
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out().strip());
    assertEquals("train", j.get("mode").asText());
    assertEquals("regnety_002", j.get("teacher").asText());
    assertTrue(j.get("student_ms_per_batch").asDouble() <= j.get("ms_per_batch").asDouble());
    assertTrue(j.get("peak_rss_mb").asDouble() > 0);
  }

  @Test
  void floorPrintsTheGemmOnlyBoundPerBatchAndDtype() throws Exception {
    CliRunner r =
        CliRunner.run(
            "bench",
            "floor",
            "--model",
            "deit_fm_distilled_patch4_28",
            "--batch",
            "2",
            "--dtype",
            "bf16,fp32",
            "--train",
            "--runs",
            "1",
            "--json");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(2, lines.length, r.out());
    ObjectMapper m = new ObjectMapper();
    for (int i = 0; i < 2; i++) {
      JsonNode j = m.readTree(lines[i]);
      assertEquals("floor-train", j.get("mode").asText());
      assertEquals(i == 0 ? "bf16" : "fp32", j.get("dtype").asText());
      double ms = j.get("floor_ms_per_batch").asDouble();
      double ips = j.get("floor_images_per_s").asDouble();
      assertTrue(ms > 0 && j.get("gemm_gflops").asDouble() > 0, lines[i]);
      assertEquals(2 * 1000.0 / ms, ips, 0.06 * ips, "images/s = B / floor time");
    }
    CliRunner table =
        CliRunner.run(
            "bench",
            "floor",
            "--model",
            "vit_fm_patch4_28",
            "--batch",
            "1",
            "--runs",
            "1",
            "--detail");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("fc1 ") && table.out().contains("not a floor"), table.out());
    assertEquals(ExitCodes.USAGE, CliRunner.run("bench", "floor", "--model", "resnet50").code());
  }

  @Test
  void unknownModelAndDtypeAreUsageErrors() {
    assertEquals(
        ExitCodes.USAGE, CliRunner.run("bench", "infer", "--model", "resnet50", "--json").code());
    assertEquals(
        ExitCodes.USAGE,
        CliRunner.run("bench", "infer", "--model", "vit_fm_patch4_28", "--dtype", "fp16").code());
  }
}
