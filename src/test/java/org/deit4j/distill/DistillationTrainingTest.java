package org.deit4j.distill;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.teacher.LogitsModel;
import org.deit4j.train.AdamW;
import org.deit4j.train.Guards;
import org.deit4j.train.Losses;
import org.deit4j.train.ModelEma;
import org.deit4j.train.Optimizers;
import org.junit.jupiter.api.Test;

/** A few DeiT-style steps on a tiny two-head student: the distillation objective goes down. */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
class DistillationTrainingTest {
  /** Features -> (class head, distillation head), like DeiT's two tokens. */
  static final class TwoHeadStudent extends Module {
    final LinearImpl head;
    final LinearImpl headDist;

    TwoHeadStudent() {
      head = register_module("head", new LinearImpl(8, 5));
      headDist = register_module("head_dist", new LinearImpl(8, 5));
    }

    StudentOutputs forward(Tensor x) {
      return StudentOutputs.of(head.forward(x), headDist.forward(x));
    }
  }

  @Test
  void adamwStepsReduceTheDistillationLoss() {
    Engine.init();
    for (DistillationType type :
        new DistillationType[] {DistillationType.HARD, DistillationType.SOFT}) {
      try (PointerScope outer = new PointerScope()) {
        torch.manual_seed(0);
        TwoHeadStudent student = new TwoHeadStudent();
        LinearImpl teacherNet = new LinearImpl(8, 5);
        LogitsModel teacher = teacherNet::forward;
        Tensor x = torch.randn(16, 8);
        Tensor labels = torch.randint(5, new long[] {16});
        Tensor targets = Losses.smoothedOneHot(labels, 5, 0.1); // (16, 5) soft targets
        DistillationLoss criterion = new DistillationLoss(Losses.softTarget(), type, 0.5, 1.0);

        double first = Double.NaN;
        double firstKd = Double.NaN;
        double last = Double.NaN;
        double lastKd = Double.NaN;
        try (AdamW opt = Optimizers.deitAdamW(student, 5e-2, Optimizers.DEIT_WEIGHT_DECAY);
            ModelEma ema = new ModelEma(student, 0.9)) {
          for (int step = 0; step < 10; step++) {
            try (PointerScope s = new PointerScope()) {
              DistillationLoss.Parts p = criterion.compute(x, student.forward(x), targets, teacher);
              double loss = Guards.finiteItem(p.total(), "loss");
              if (step == 0) {
                first = loss;
                firstKd = p.kd().item_double();
              }
              last = loss;
              lastKd = p.kd().item_double();
              opt.zeroGrad();
              p.total().backward();
              Optimizers.clipGradNorm(opt.parameters().values(), 5.0);
              opt.step();
              ema.update(student);
            }
          }
        }
        System.out.printf(
            "e2e %s: loss %.4f -> %.4f, kd %.4f -> %.4f%n", type, first, last, firstKd, lastKd);
        assertTrue(last < 0.9 * first, type + ": loss " + first + " -> " + last);
        assertTrue(lastKd < firstKd, type + ": kd " + firstKd + " -> " + lastKd);
        assertFalse(teacherNet.weight().grad().defined(), "the teacher receives no gradient");
      }
    }
  }
}
