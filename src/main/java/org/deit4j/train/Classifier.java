package org.deit4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.distill.StudentOutputs;
import org.deit4j.model.Logits;
import org.deit4j.model.VisionTransformer;
import org.deit4j.teacher.RegNet;

/**
 * What the trainer, evaluator and predictor need of a model: its module (parameters, train/eval
 * mode, state dict), training outputs for the loss, and per-head eval logits. Implemented for the
 * DeiT/ViT family and for RegNetY (so a teacher can be trained with the same loop).
 */
public interface Classifier {
  /** The libtorch module holding parameters and buffers (timm key names). */
  Module module();

  /** Number of classes. */
  int numClasses();

  /** True for a DeiT with a distillation head. */
  boolean distilled();

  /** Training forward: both heads for a distilled DeiT, else one. */
  StudentOutputs trainOutputs(Tensor images);

  /**
   * Eval forward: {@code fused} always; {@code cls} and {@code dist} too for a distilled DeiT (late
   * fusion = mean of the two, paper section 4).
   */
  Map<String, Tensor> evalHeads(Tensor images);

  /** A ViT/DeiT as a classifier. */
  static Classifier of(VisionTransformer vit) {
    return new Classifier() {
      @Override
      public Module module() {
        return vit;
      }

      @Override
      public int numClasses() {
        return vit.config().numClasses();
      }

      @Override
      public boolean distilled() {
        return vit.config().distilled();
      }

      @Override
      public StudentOutputs trainOutputs(Tensor images) {
        Logits l = vit.forward(images);
        return l instanceof Logits.Distilled d
            ? StudentOutputs.of(d.cls(), d.dist())
            : StudentOutputs.of(l.fused());
      }

      @Override
      public Map<String, Tensor> evalHeads(Tensor images) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor feats = vit.forwardFeatures(images);
        if (distilled()) {
          Logits.Distilled d = vit.heads(feats);
          out.put("fused", d.fused());
          out.put("cls", d.cls());
          out.put("dist", d.dist());
        } else {
          out.put("fused", vit.forwardHead(feats).fused());
        }
        return out;
      }
    };
  }

  /** A RegNet as a classifier. */
  static Classifier of(RegNet net) {
    return new Classifier() {
      @Override
      public Module module() {
        return net;
      }

      @Override
      public int numClasses() {
        return net.config().numClasses();
      }

      @Override
      public boolean distilled() {
        return false;
      }

      @Override
      public StudentOutputs trainOutputs(Tensor images) {
        return StudentOutputs.of(net.forward(images));
      }

      @Override
      public Map<String, Tensor> evalHeads(Tensor images) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("fused", net.forward(images));
        return out;
      }
    };
  }
}
