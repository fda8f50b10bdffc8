package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deit4j.io.HostTensor;
import org.deit4j.io.Safetensors;
import org.deit4j.io.SafetensorsFile;
import org.deit4j.parity.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardCommandTest {
  @TempDir Path tmp;

  private static String res(String name) {
    return Fixtures.path("timm/" + name).toString();
  }

  @Test
  void forwardWritesTimmNumbers() throws Exception {
    Path out = tmp.resolve("y.safetensors");
    CliRunner r =
        CliRunner.run(
            "forward",
            "--model",
            "deit_tiny_distilled_patch16_224",
            "--model-args",
            "depth=2",
            "--weights",
            res("deit_tiny_distilled_d2_perturbed.safetensors"),
            "--input",
            res("input.safetensors"),
            "--output",
            out.toString());
    assertEquals(0, r.code(), r.err());
    SafetensorsFile y = Safetensors.read(out);
    SafetensorsFile want =
        Fixtures.safetensors("timm/deit_tiny_distilled_d2_perturbed_outputs.safetensors");
    for (String k :
        new String[] {"logits", "logits_cls", "logits_dist", "features", "patch_embed"}) {
      assertTrue(maxAbs(y.get(k), want.get(k)) < 1e-4, k);
    }
  }

  @Test
  void imgSizeResamplesPosEmbed() throws Exception {
    Path out = tmp.resolve("y384.safetensors");
    CliRunner r =
        CliRunner.run(
            "forward",
            "--model",
            "deit_tiny_distilled_patch16_224",
            "--model-args",
            "depth=2",
            "--weights",
            res("deit_tiny_distilled_d2_perturbed.safetensors"),
            "--img-size",
            "384",
            "--input",
            res("input_384.safetensors"),
            "--output",
            out.toString());
    assertEquals(0, r.code(), r.err());
    HostTensor want =
        Fixtures.safetensors("timm/deit_tiny_distilled_d2_perturbed_384_outputs.safetensors")
            .get("logits");
    assertTrue(maxAbs(Safetensors.read(out).get("logits"), want) < 1e-4);
  }

  @Test
  void badInputsGiveOneLineErrors() {
    String w = res("deit_tiny_d2.safetensors");
    String x = res("input.safetensors");
    String o = tmp.resolve("o.safetensors").toString();
    assertError(
        3,
        "no such file",
        "forward",
        "--model",
        "deit_tiny_patch16_224",
        "--weights",
        "missing.safetensors",
        "--input",
        x,
        "--output",
        o);
    assertError(
        2,
        "unknown model",
        "forward",
        "--model",
        "deit_tny",
        "--weights",
        w,
        "--input",
        x,
        "--output",
        o);
    assertError(
        3,
        "missing",
        "forward",
        "--model",
        "deit_tiny_patch16_224",
        "--weights",
        w,
        "--input",
        x,
        "--output",
        o);
    assertError(
        3,
        "has no tensor 'x'",
        "forward",
        "--model",
        "deit_tiny_patch16_224",
        "--model-args",
        "depth=2",
        "--weights",
        w,
        "--input",
        x,
        "--input-key",
        "x",
        "--output",
        o);
    assertError(
        3,
        "the model expects",
        "forward",
        "--model",
        "deit_tiny_patch16_224",
        "--model-args",
        "depth=2",
        "--weights",
        w,
        "--input",
        w,
        "--input-key",
        "cls_token",
        "--output",
        o);
    assertError(
        2,
        "unknown model argument",
        "info",
        "--model",
        "deit_tiny_patch16_224",
        "--model-args",
        "dpth=2");
    assertError(2, "Unknown option", "info", "--model", "deit_tiny_patch16_224", "--bogus");
  }

  private static void assertError(int code, String text, String... args) {
    CliRunner r = CliRunner.run(args);
    assertEquals(code, r.code(), r.err());
    assertTrue(r.err().contains(text), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
  }

  @Test
  void infoPrintsTimmCounts() {
    CliRunner r = CliRunner.run("info", "--model", "deit_small_distilled_patch16_224", "--json");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("\"parameters\":22436432"), r.out());
    assertTrue(CliRunner.run("--help").out().contains("forward"));
  }

  static double maxAbs(HostTensor a, HostTensor b) {
    float[] x = a.toFloats();
    float[] y = b.toFloats();
    assertEquals(x.length, y.length);
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs((double) x[i] - y[i]));
    }
    return m;
  }
}
