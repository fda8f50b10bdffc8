package org.deit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.distill.DistillationLoss;
import org.deit4j.distill.DistillationType;
import org.deit4j.distill.StudentOutputs;
import org.deit4j.engine.Precision;
import org.deit4j.engine.Tensors;
import org.deit4j.teacher.LogitsModel;
import org.deit4j.teacher.Teacher;
import org.junit.jupiter.api.Test;

/** A bf16 training step: autocast forward, fp32 logits and loss, fp32 gradients on fp32 weights. */
class MixedPrecisionTest {
  @Test
  void fp32IsTheModelItself() {
    Classifier c = Models.create("deit_fm_distilled_patch4_28", Map.of("depth", "1"), 10, 0, 0);
    assertSame(c, MixedPrecision.classifier(c, Precision.FP32));
  }

  @Test
  @SuppressWarnings("try")
  void bf16StepGivesFp32GradientsAndMovesTheWeights() {
    try (PointerScope s = new PointerScope()) {
      torch.manual_seed(3);
      Classifier student =
          Models.create("deit_fm_distilled_patch4_28", Map.of("depth", "2"), 10, 0.1, 0);
      Classifier t = Models.create("regnety_002", Map.of("stem_stride", "1"), 10, 0, 0);
      LogitsModel teacher =
          MixedPrecision.teacher(
              Teacher.of(t.module(), images -> t.evalHeads(images).get("fused")), Precision.BF16);
      AdamW opt = Optimizers.deitAdamW(student.module(), 1e-3, 0.05);
      DistillationLoss loss =
          new DistillationLoss(Losses.forDeit(true, 0.1, false), DistillationType.HARD, 0.5, 1);
      Tensor x = torch.randn(4, 3, 28, 28); // (B, 3, 28, 28)
      Tensor y =
          Losses.smoothedOneHot(
              Tensors.floats(new float[] {1, 2, 3, 4}, 4).to(torch.ScalarType.Long), 10, 0.1);
      Tensor before = opt.parameters().values().iterator().next().clone();
      student.module().train(true);
      StudentOutputs out = MixedPrecision.classifier(student, Precision.BF16).trainOutputs(x);
      assertEquals(torch.ScalarType.Float, out.cls().scalar_type().intern());
      assertEquals(torch.ScalarType.Float, out.dist().scalar_type().intern());
      DistillationLoss.Parts parts = loss.compute(x, out, y, teacher);
      assertEquals(torch.ScalarType.Float, parts.total().scalar_type().intern());
      assertTrue(Double.isFinite(parts.total().item_double()));
      opt.zeroGrad();
      parts.total().backward();
      for (Tensor p : opt.parameters().values()) {
        assertEquals(torch.ScalarType.Float, p.scalar_type().intern(), "master weights fp32");
        assertTrue(p.grad().defined(), "every parameter gets a gradient");
        assertEquals(torch.ScalarType.Float, p.grad().scalar_type().intern(), "fp32 gradients");
      }
      assertTrue(Double.isFinite(Optimizers.gradNorm(opt.parameters().values())));
      opt.step();
      Tensor after = opt.parameters().values().iterator().next();
      assertTrue(Tensors.maxAbsDiff(before, after) > 0, "the step changed the weights");
    }
  }
}
