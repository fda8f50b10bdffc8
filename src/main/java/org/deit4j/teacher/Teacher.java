package org.deit4j.teacher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.Engine;
import org.deit4j.engine.NamedTensors;
import org.deit4j.io.HostTensor;
import org.deit4j.io.WeightFiles;

/**
 * The frozen CNN teacher of DeiT's distillation (Touvron et al. 2021, section 4): it only ever
 * produces logits, never learns and never updates BatchNorm statistics.
 *
 * <p>Every call runs under a {@link NoGradGuard} and, when the teacher wraps a {@link Module},
 * first puts that module in eval mode, so BN uses its running statistics even if somebody switched
 * the module to training in between. All parameters are set to {@code requires_grad=false} at
 * construction.
 *
 * <p>No-grad rather than inference mode on purpose: inference tensors may not be saved for
 * backward, and the distillation losses (soft KL) save the teacher's output.
 */
public final class Teacher implements LogitsModel {
  private final LogitsModel forward;
  private final Module module; // null for a plain function

  private Teacher(LogitsModel forward, Module module) {
    this.forward = Objects.requireNonNull(forward, "forward");
    this.module = module;
    if (module != null) {
      for (Tensor p : NamedTensors.parameterList(module)) {
        p.requires_grad_(false);
      }
      module.eval();
    }
  }

  /** A frozen RegNet teacher. */
  public static Teacher of(RegNet model) {
    return new Teacher(model, model);
  }

  /** A frozen teacher for any module, with {@code forward} computing its logits. */
  public static Teacher of(Module module, LogitsModel forward) {
    return new Teacher(forward, Objects.requireNonNull(module, "module"));
  }

  /**
   * A teacher from a bare function (e.g. a model this project does not own); it is run without
   * gradients, but freezing and eval mode are the caller's business.
   */
  public static Teacher of(LogitsModel forward) {
    return new Teacher(forward, null);
  }

  /**
   * Builds a RegNet from {@code config}, loads {@code weights} strictly (timm key layout), and
   * freezes it: e.g. DeiT's {@code regnety_160} teacher.
   *
   * @throws IllegalArgumentException if the weights do not fit the config exactly
   */
  public static Teacher regNet(RegNetConfig config, Map<String, HostTensor> weights) {
    Engine.init(); // before the first libtorch class is initialised
    RegNet model = new RegNet(config, false); // the strict load replaces every tensor
    model.loadStateDict(weights, true);
    return of(model);
  }

  /**
   * Like {@link #regNet(RegNetConfig, Map)} with the weights read from a safetensors file or a
   * {@code torch.save} checkpoint (e.g. DeiT's {@code regnety_160-a5fe301d.pth}, whose state dict
   * sits under {@code "model"}; see {@link WeightFiles#read(Path)}).
   */
  public static Teacher regNet(RegNetConfig config, Path weights) throws IOException {
    return regNet(config, WeightFiles.read(weights));
  }

  /** Teacher logits (B, K) for images (B, C, H, W); never tracked by autograd. */
  @Override
  public Tensor logits(Tensor images) {
    if (module != null) {
      // Recursive, so a submodule switched to training alone is caught too; cheap next to a
      // forward.
      module.eval();
    }
    return NoGrad.get(() -> forward.logits(images));
  }

  /** The wrapped module, if the teacher was built from one. */
  public Optional<Module> module() {
    return Optional.ofNullable(module);
  }
}
