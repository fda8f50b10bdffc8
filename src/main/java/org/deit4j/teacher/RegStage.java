package org.deit4j.teacher;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Scopes;

/** timm {@code RegStage}: blocks {@code b1..bN} applied in sequence. */
final class RegStage extends Module {
  final StageSpec spec;
  private final List<Bottleneck> blocks;

  RegStage(StageSpec spec) {
    this.spec = spec;
    List<Bottleneck> bs = new ArrayList<>(spec.depth());
    for (int i = 0; i < spec.depth(); i++) {
      bs.add(register_module("b" + (i + 1), new Bottleneck(spec, i)));
    }
    this.blocks = List.copyOf(bs);
  }

  Tensor forward(Tensor x) {
    for (Bottleneck b : blocks) {
      Tensor in = x;
      x = Scopes.keepResult(() -> b.forward(in)); // a block's intermediates freed at its end
    }
    return x;
  }

  void initWeights(boolean zeroInitLast) {
    for (Bottleneck b : blocks) {
      b.initWeights(zeroInitLast);
    }
  }
}
