package org.deit4j.teacher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A RegNetY model in the RegNet design space (Radosavovic et al. 2020), named and parameterised as
 * timm's {@code RegNetCfg} plus the constructor arguments of timm's {@code RegNet}.
 *
 * <p>RegNetY = RegNetX + squeeze-excitation ({@code se_ratio} 0.25) with ReLU, BatchNorm, 1x1 conv
 * shortcuts and no final conv. DeiT's default teacher is {@code regnety_160} (DeiT section 5.2).
 *
 * @param w0 initial width {@code w_0} (multiple of 8)
 * @param wa width slope {@code w_a} (&gt;= 0)
 * @param wm width multiplier {@code w_m} (&gt; 1)
 * @param depth total number of blocks {@code d}
 * @param groupSize channels per group of the 3x3 conv ({@code group_size})
 * @param bottleRatio bottleneck ratio {@code b} ({@code bottle_ratio}; 1 for RegNetY)
 * @param seRatio SE reduction relative to the block input width ({@code se_ratio}; 0 = RegNetX)
 * @param groupMinRatio 0 for timm rounding, else torchvision's {@code make_divisible} rounding
 *     ({@code group_min_ratio}, 0.9 in the {@code _tv} presets)
 * @param stemWidth stem output channels ({@code stem_width})
 * @param stemStride stride of the stem 3x3 conv: 2 as timm, 1 for small images (28 px)
 * @param numClasses classifier outputs; 0 = no classifier (the model returns pooled features)
 * @param inChans input image channels ({@code in_chans})
 * @param dropRate dropout before the classifier in training ({@code drop_rate})
 */
public record RegNetConfig(
    int w0,
    double wa,
    double wm,
    int depth,
    int groupSize,
    double bottleRatio,
    double seRatio,
    double groupMinRatio,
    int stemWidth,
    int stemStride,
    int numClasses,
    int inChans,
    double dropRate) {

  public RegNetConfig {
    if (w0 <= 0 || w0 % RegNetDesign.QUANT != 0) {
      throw new IllegalArgumentException("w0 must be a positive multiple of 8, got " + w0);
    }
    if (!(wa >= 0) || Double.isInfinite(wa)) {
      throw new IllegalArgumentException("wa must be finite and >= 0, got " + wa);
    }
    if (!(wm > 1) || Double.isInfinite(wm)) {
      throw new IllegalArgumentException("wm must be finite and > 1, got " + wm);
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, got " + depth);
    }
    if (groupSize < 1) {
      throw new IllegalArgumentException("groupSize must be >= 1, got " + groupSize);
    }
    if (!(bottleRatio > 0) || Double.isInfinite(bottleRatio)) {
      throw new IllegalArgumentException("bottleRatio must be finite and > 0, got " + bottleRatio);
    }
    if (!(seRatio >= 0 && seRatio <= 1)) {
      throw new IllegalArgumentException("seRatio must be in [0, 1], got " + seRatio);
    }
    if (!(groupMinRatio >= 0 && groupMinRatio < 1)) {
      throw new IllegalArgumentException("groupMinRatio must be in [0, 1), got " + groupMinRatio);
    }
    if (stemWidth < 1) {
      throw new IllegalArgumentException("stemWidth must be >= 1, got " + stemWidth);
    }
    if (stemStride != 1 && stemStride != 2) {
      throw new IllegalArgumentException("stemStride must be 1 or 2, got " + stemStride);
    }
    if (numClasses < 0) {
      throw new IllegalArgumentException("numClasses must be >= 0, got " + numClasses);
    }
    if (inChans < 1) {
      throw new IllegalArgumentException("inChans must be >= 1, got " + inChans);
    }
    if (!(dropRate >= 0 && dropRate < 1)) {
      throw new IllegalArgumentException("dropRate must be in [0, 1), got " + dropRate);
    }
  }

  /** A RegNetY config with timm's defaults (stem 32 stride 2, 1000 classes, 3 channels). */
  public static RegNetConfig regNetY(
      int w0, double wa, double wm, int depth, int groupSize, double groupMinRatio) {
    return new RegNetConfig(
        w0, wa, wm, depth, groupSize, 1.0, 0.25, groupMinRatio, 32, 2, 1000, 3, 0.0);
  }

  private static final Map<String, RegNetConfig> PRESETS = presets();

  /** timm {@code model_cfgs} for the RegNetY family; FLOPs = the three digits x 10^8. */
  private static Map<String, RegNetConfig> presets() {
    Map<String, RegNetConfig> m = new LinkedHashMap<>();
    m.put("regnety_002", regNetY(24, 36.44, 2.49, 13, 8, 0));
    m.put("regnety_004", regNetY(48, 27.89, 2.09, 16, 8, 0));
    m.put("regnety_006", regNetY(48, 32.54, 2.32, 15, 16, 0));
    m.put("regnety_008", regNetY(56, 38.84, 2.4, 14, 16, 0));
    m.put("regnety_008_tv", regNetY(56, 38.84, 2.4, 14, 16, 0.9));
    m.put("regnety_016", regNetY(48, 20.71, 2.65, 27, 24, 0));
    m.put("regnety_032", regNetY(80, 42.63, 2.66, 21, 24, 0));
    m.put("regnety_040", regNetY(96, 31.41, 2.24, 22, 64, 0));
    m.put("regnety_064", regNetY(112, 33.22, 2.27, 25, 72, 0));
    m.put("regnety_080", regNetY(192, 76.82, 2.19, 17, 56, 0));
    m.put("regnety_080_tv", regNetY(192, 76.82, 2.19, 17, 56, 0.9));
    m.put("regnety_120", regNetY(168, 73.36, 2.37, 19, 112, 0));
    m.put("regnety_160", regNetY(200, 106.23, 2.48, 18, 112, 0));
    m.put("regnety_320", regNetY(232, 115.89, 2.53, 20, 232, 0));
    return Collections.unmodifiableMap(m);
  }

  /**
   * The timm preset of that name (1000 classes, stem stride 2), e.g. {@code preset("regnety_160")}.
   *
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static RegNetConfig preset(String timmName) {
    RegNetConfig c = PRESETS.get(timmName);
    if (c == null) {
      throw new IllegalArgumentException(
          "unknown RegNetY preset '" + timmName + "'; known: " + PRESETS.keySet());
    }
    return c;
  }

  /** Names accepted by {@link #preset(String)}, in FLOP order. */
  public static Set<String> presetNames() {
    return PRESETS.keySet();
  }

  /** Same model with another classifier size (timm {@code num_classes}). */
  public RegNetConfig withNumClasses(int n) {
    return copy(stemStride, n, inChans, dropRate);
  }

  /** Same model with another stem stride (1 keeps 28 px images at 28 px after the stem). */
  public RegNetConfig withStemStride(int s) {
    return copy(s, numClasses, inChans, dropRate);
  }

  /** Same model with another number of input channels. */
  public RegNetConfig withInChans(int c) {
    return copy(stemStride, numClasses, c, dropRate);
  }

  /** Same model with another classifier dropout. */
  public RegNetConfig withDropRate(double p) {
    return copy(stemStride, numClasses, inChans, p);
  }

  /** The design-space parameters stay; only the usage options change. */
  private RegNetConfig copy(int stem, int classes, int chans, double drop) {
    return new RegNetConfig(
        w0,
        wa,
        wm,
        depth,
        groupSize,
        bottleRatio,
        seRatio,
        groupMinRatio,
        stemWidth,
        stem,
        classes,
        chans,
        drop);
  }

  /** Quantized width of every block before group adjustment (timm {@code generate_regnet}). */
  public int[] blockWidths() {
    return RegNetDesign.blockWidths(w0, wa, wm, depth);
  }

  /** The stages this config generates (see {@link RegNetDesign#stages}). */
  public List<StageSpec> stages() {
    return RegNetDesign.stages(this);
  }

  /** Channels entering the head: the last stage width (RegNetY has no final conv). */
  public int numFeatures() {
    List<StageSpec> s = stages();
    return s.get(s.size() - 1).width();
  }

  /** Number of trainable parameters, computed from the stages (equals the built model's). */
  public long paramCount() {
    long n = convBn(inChans, stemWidth, 3, 1);
    for (StageSpec s : stages()) {
      long bw = s.bottleneckWidth();
      for (int b = 0; b < s.depth(); b++) {
        n += convBn(s.blockInWidth(b), bw, 1, 1); // conv1
        n += convBn(bw, bw, 3, s.groups()); // conv2
        long se = s.seChannels(b);
        if (se > 0) {
          n += bw * se + se + se * bw + bw; // se.fc1, se.fc2 (1x1 convs with bias)
        }
        n += convBn(bw, s.width(), 1, 1); // conv3
        if (s.hasDownsample(b)) {
          n += convBn(s.blockInWidth(b), s.width(), 1, 1);
        }
      }
    }
    if (numClasses > 0) {
      n += (long) numFeatures() * numClasses + numClasses; // head.fc
    }
    return n;
  }

  /** Elements of all buffers (BN running mean/var + one {@code num_batches_tracked} per BN). */
  public long bufferElements() {
    long n = 2L * stemWidth + 1;
    for (StageSpec s : stages()) {
      for (int b = 0; b < s.depth(); b++) {
        n += 2 * (2L * s.bottleneckWidth() + 1) + 2L * s.width() + 1;
        if (s.hasDownsample(b)) {
          n += 2L * s.width() + 1;
        }
      }
    }
    return n;
  }

  /** Weights of a bias-free k x k conv plus its BatchNorm's weight and bias. */
  private static long convBn(long in, long out, int k, int groups) {
    return out * (in / groups) * k * k + 2 * out;
  }
}
