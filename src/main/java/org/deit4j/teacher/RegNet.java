package org.deit4j.teacher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.NamedTensors;
import org.deit4j.io.HostTensor;
import org.deit4j.io.StateDict;

/**
 * RegNetY (Radosavovic et al. 2020) as timm's {@code RegNet}: {@code stem} (3x3 conv + BN + ReLU),
 * stages {@code s1..s4} of {@link Bottleneck} blocks, and {@code head.fc} after global average
 * pooling. Parameter and buffer names, shapes and state-dict order are exactly timm's, so timm /
 * DeiT checkpoints (e.g. DeiT's {@code regnety_160} teacher) load with {@link #loadStateDict}.
 *
 * <p>RegNetY has no final conv (timm's {@code final_conv} is an {@code nn.Identity} with no state),
 * so none is registered.
 */
public final class RegNet extends Module implements LogitsModel {
  private final RegNetConfig config;
  private final ConvNormAct stem;
  private final List<RegStage> stages;
  private final ClassifierHead head;

  /** Builds the model with timm's initialisation ({@code zero_init_last=True}). */
  public RegNet(RegNetConfig config) {
    this(config, true);
  }

  /**
   * Builds the model; {@code initWeights} false skips timm's initialisation for a model whose every
   * weight and buffer a strict load replaces next.
   */
  public RegNet(RegNetConfig config, boolean initWeights) {
    this.config = config;
    stem =
        register_module(
            "stem",
            new ConvNormAct(config.inChans(), config.stemWidth(), 3, config.stemStride(), 1, true));
    List<RegStage> ss = new ArrayList<>();
    for (StageSpec spec : config.stages()) {
      ss.add(register_module(spec.name(), new RegStage(spec)));
    }
    stages = List.copyOf(ss);
    head =
        register_module(
            "head",
            new ClassifierHead(config.numFeatures(), config.numClasses(), config.dropRate()));
    if (initWeights) {
      initWeights(true);
    }
  }

  /** A timm preset, e.g. {@code RegNet.preset("regnety_160")} (1000 classes, stem stride 2). */
  public static RegNet preset(String timmName) {
    return new RegNet(RegNetConfig.preset(timmName));
  }

  /** timm {@code _init_weights}: convs N(0, sqrt(2/fan_out)), Linear N(0, 0.01), BN 1/0. */
  private void initWeights(boolean zeroInitLast) {
    stem.initWeights();
    for (RegStage s : stages) {
      s.initWeights(zeroInitLast);
    }
    head.initWeights();
  }

  /** The configuration this model was built from. */
  public RegNetConfig config() {
    return config;
  }

  /** The stage layout (widths, depths, groups, SE widths). */
  public List<StageSpec> stageSpecs() {
    return config.stages();
  }

  /** Logits (B, numClasses) for images (B, inChans, H, W). */
  public Tensor forward(Tensor x) {
    return forwardHead(forwardFeatures(x));
  }

  /** {@link LogitsModel} view: the same as {@link #forward}. */
  @Override
  public Tensor logits(Tensor images) {
    return forward(images);
  }

  /** Final feature map (B, numFeatures, H/r, W/r), r = 16 x stem stride (timm forward_features). */
  public Tensor forwardFeatures(Tensor x) {
    List<Tensor> outs = forwardStages(x);
    return outs.get(outs.size() - 1);
  }

  /** Outputs of the stem followed by each stage: element i is the output of {@code s(i+1)}. */
  public List<Tensor> forwardStages(Tensor x) {
    List<Tensor> outs = new ArrayList<>(stages.size());
    // NCHW whatever the caller's layout (a no-op when already so): with 2 intra-op threads,
    // libtorch
    // 2.10's oneDNN 1x1 convolutions return wrong results for some channels-last inputs, e.g.
    // regnety_002's 152 -> 368 at 4x4: max error 24 on outputs of scale 54 (and 448 -> 1232 at
    // 14x14, 336 -> 888 at 7x7), and the layout would carry from the stem through every block.
    // Channels-last was also 20-30 % faster for narrow-group teachers (regnety_002, measured in a
    // scratch harness), which is why it was tried; it is not used because of this.
    Tensor y = stem.forward(x.contiguous()); // (B, stem, H/s, W/s)
    for (RegStage s : stages) {
      y = s.forward(y); // (B, width_i, ., .)
      outs.add(y);
    }
    return outs;
  }

  /** Logits from a feature map: average pool, dropout (training), {@code head.fc}. */
  public Tensor forwardHead(Tensor features) {
    return head.forward(features, false);
  }

  /** timm {@code forward_head(x, pre_logits)}: with {@code preLogits}, the pooled (B, C). */
  public Tensor forwardHead(Tensor features, boolean preLogits) {
    return head.forward(features, preLogits);
  }

  /** Number of parameters (all trainable when not frozen). */
  public long numParams() {
    long n = 0;
    for (Tensor p : NamedTensors.parameterList(this)) {
      n += p.numel();
    }
    return n;
  }

  /**
   * Loads a timm-layout state dict (e.g. read from a safetensors file). {@code num_batches_tracked}
   * entries may be I64 scalars; float weights of any float dtype are converted.
   *
   * @param strict also fail on missing or unexpected keys
   * @return keys left out (always empty when strict)
   * @throws IllegalArgumentException listing every missing, unexpected or mismatched key
   */
  public StateDict.LoadReport loadStateDict(Map<String, HostTensor> stateDict, boolean strict) {
    return StateDict.load(this, stateDict, strict, k -> false);
  }

  /** Copies of all parameters and buffers, keyed and ordered as timm's {@code state_dict()}. */
  public Map<String, HostTensor> stateDict() {
    return StateDict.save(this);
  }
}
