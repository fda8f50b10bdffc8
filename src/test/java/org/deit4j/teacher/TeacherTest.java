package org.deit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.NamedTensors;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The frozen, always-eval, no-grad teacher. */
class TeacherTest {
  @BeforeAll
  static void init() {
    Engine.init();
  }

  @Test
  void frozenEvalTeacherGivesTimmLogitsEvenAfterTrainTrue() throws IOException {
    Map<String, HostTensor> w = Fixtures.safetensors("regnety_002_c10_perturbed.safetensors");
    Map<String, HostTensor> out =
        Fixtures.safetensors("regnety_002_c10_perturbed_outputs.safetensors");
    Tensor x = Tensors.toTorch(Fixtures.safetensors("input_28.safetensors").get("input"));
    RegNetConfig cfg = RegNetConfig.preset("regnety_002").withStemStride(1); // 1000 classes
    assertThrows(IllegalArgumentException.class, () -> Teacher.regNet(cfg, w));

    Teacher t =
        Teacher.regNet(RegNetConfig.preset("regnety_002").withStemStride(1).withNumClasses(10), w);
    RegNet m = (RegNet) t.module().orElseThrow();
    for (Tensor p : NamedTensors.parameterList(m)) {
      assertFalse(p.requires_grad());
    }
    // Someone switches the module to training: BN would use batch statistics and update its
    // running stats. The teacher must still give eval logits and leave the stats alone.
    m.train(true);
    Tensor runningMean = NamedTensors.stateDict(m).get("s2.b1.conv1.bn.running_mean");
    Tensor before = runningMean.clone();
    x.requires_grad_(true);
    Tensor logits = t.logits(x);
    assertFalse(logits.requires_grad());
    assertFalse(m.is_training());
    double err = Tensors.maxAbsDiff(logits, Tensors.toTorch(out.get("stem1_logits_f64")));
    System.out.printf("teacher logits (after train(true)) vs timm f64: max|err| = %.3e%n", err);
    assertTrue(err <= 1e-5, "max abs error " + err);
    assertEquals(0.0, Tensors.maxAbsDiff(before, runningMean));
  }

  @Test
  void teacherFromSafetensorsFile() throws IOException {
    Teacher t =
        Teacher.regNet(
            RegNetConfig.preset("regnety_002").withNumClasses(10),
            Fixtures.path("regnety_002_c10_perturbed.safetensors"));
    RegNet m = (RegNet) t.module().orElseThrow();
    assertEquals(
        Fixtures.safetensors("regnety_002_c10_perturbed.safetensors").get("head.fc.weight"),
        m.stateDict().get("head.fc.weight"));
  }

  @Test
  void functionTeacherRunsWithoutGradients() {
    Tensor weight = torch.ones(3).requires_grad_(true);
    LogitsModel f = images -> images.mul(weight);
    assertTrue(f.logits(torch.ones(3)).requires_grad());
    Teacher t = Teacher.of(f);
    assertFalse(t.logits(torch.ones(3)).requires_grad());
    assertTrue(t.module().isEmpty());
  }

  @Test
  void moduleTeacherFreezesTheModule() {
    RegNet m = new RegNet(RegNetConfig.preset("regnety_002").withNumClasses(3));
    m.train(true);
    Teacher t = Teacher.of(m, m::forward);
    assertSame(m, t.module().orElseThrow());
    assertFalse(m.is_training());
    for (Tensor p : NamedTensors.parameterList(m)) {
      assertFalse(p.requires_grad());
    }
  }
}
