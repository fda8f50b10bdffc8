package org.deit4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.distill.StudentOutputs;
import org.deit4j.engine.Autocast;
import org.deit4j.engine.Precision;
import org.deit4j.teacher.LogitsModel;

/**
 * Wraps a student or teacher so its forward pass runs at a {@link Precision}: under bf16 autocast
 * the forward runs in the region and the logits are returned as fp32, so losses, softmax, accuracy
 * and the distillation terms are computed in fp32 (PyTorch's AMP recipe: autocast the forward,
 * compute the loss on fp32 logits, backward outside the region).
 */
public final class MixedPrecision {
  private MixedPrecision() {}

  /** {@code model} itself for fp32, else a view whose forwards run under autocast. */
  public static Classifier classifier(Classifier model, Precision p) {
    if (p == Precision.FP32) {
      return model;
    }
    return new Classifier() {
      @Override
      public Module module() {
        return model.module();
      }

      @Override
      public int numClasses() {
        return model.numClasses();
      }

      @Override
      public boolean distilled() {
        return model.distilled();
      }

      @Override
      public StudentOutputs trainOutputs(Tensor images) {
        StudentOutputs o = Autocast.get(p, () -> model.trainOutputs(images));
        return o.hasDist()
            ? StudentOutputs.of(fp32(o.cls()), fp32(o.dist()))
            : StudentOutputs.of(fp32(o.cls()));
      }

      @Override
      public Map<String, Tensor> evalHeads(Tensor images) {
        Map<String, Tensor> heads = Autocast.get(p, () -> model.evalHeads(images));
        Map<String, Tensor> out = new LinkedHashMap<>();
        heads.forEach((k, v) -> out.put(k, fp32(v)));
        return out;
      }
    };
  }

  /** {@code teacher} itself for fp32, else one whose forward runs under autocast. */
  public static LogitsModel teacher(LogitsModel teacher, Precision p) {
    if (teacher == null || p == Precision.FP32) {
      return teacher;
    }
    return images -> fp32(Autocast.get(p, () -> teacher.logits(images)));
  }

  /** {@code t} as fp32 (itself when it already is). */
  public static Tensor fp32(Tensor t) {
    return t.scalar_type().intern() == torch.ScalarType.Float ? t : t.to(torch.ScalarType.Float);
  }
}
