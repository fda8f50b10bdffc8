package org.deit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forward parity with timm: regnety_002 (10 classes, perturbed weights, eval mode) on the fixture
 * inputs, stem stride 2 (64 px) and 1 (28 px). Tolerances from the fixture README: stage outputs
 * 1e-4, logits 1e-5 against the float64 reference.
 */
class RegNetParityTest {
  private static final double STAGE_ATOL = 1e-4;
  private static final double LOGITS_ATOL = 1e-5;

  private static Map<String, HostTensor> weights;
  private static Map<String, HostTensor> outputs;

  @BeforeAll
  static void load() throws IOException {
    Engine.init();
    weights = Fixtures.safetensors("regnety_002_c10_perturbed.safetensors");
    outputs = Fixtures.safetensors("regnety_002_c10_perturbed_outputs.safetensors");
  }

  private static RegNet model(int stemStride) {
    RegNet m =
        new RegNet(
            RegNetConfig.preset("regnety_002").withNumClasses(10).withStemStride(stemStride));
    m.loadStateDict(weights, true);
    m.eval();
    return m;
  }

  private static double check(String what, Tensor got, String key, double atol) {
    Tensor want = Tensors.toTorch(outputs.get(key));
    assertArrayEquals(want.shape(), got.shape(), what + " shape");
    double err = Tensors.maxAbsDiff(got, want);
    System.out.printf("regnety_002 parity %-28s max|err| = %.3e (atol %.0e)%n", what, err, atol);
    assertTrue(err <= atol, what + ": max abs error " + err + " > " + atol);
    return err;
  }

  private void run(int stemStride, String input, String prefix) throws IOException {
    RegNet m = model(stemStride);
    Tensor x = Tensors.toTorch(Fixtures.safetensors(input).get("input"));
    NoGrad.run(
        () -> {
          List<Tensor> stages = m.forwardStages(x);
          for (int i = 0; i < stages.size(); i++) {
            String key = prefix + "s" + (i + 1);
            check(key + " (stem " + stemStride + ")", stages.get(i), key, STAGE_ATOL);
          }
          Tensor logits = m.forwardHead(stages.get(stages.size() - 1));
          check(prefix + "logits vs fp32", logits, prefix + "logits", LOGITS_ATOL);
          check(prefix + "logits vs f64", logits, prefix + "logits_f64", LOGITS_ATOL);
        });
  }

  @Test
  void stemStride2On64pxMatchesTimm() throws IOException {
    run(2, "input_64.safetensors", "");
  }

  @Test
  void stemStride1On28pxMatchesTimm() throws IOException {
    run(1, "input_28.safetensors", "stem1_");
  }
}
