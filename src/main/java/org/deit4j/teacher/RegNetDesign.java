package org.deit4j.teacher;

import java.util.ArrayList;
import java.util.List;

/**
 * The RegNet design space ("Designing Network Design Spaces", Radosavovic et al. 2020, section 3.3)
 * turned into concrete stages, reproducing timm's {@code generate_regnet}, {@code
 * adjust_widths_groups_comp} and {@code RegNet._get_stage_args} bit for bit.
 */
public final class RegNetDesign {
  /** Block widths are quantized to multiples of 8 ({@code quant} in timm). */
  static final int QUANT = 8;

  /** Stem stride assumed by timm's stage stride schedule (independent of the real stem stride). */
  private static final int STEM_REDUCTION = 2;

  /** timm's default {@code output_stride}: no dilation for up to 4 stride-2 stages. */
  private static final int OUTPUT_STRIDE = 32;

  private RegNetDesign() {}

  /**
   * Quantized per-block widths: {@code u_j = w0 + wa*j}, {@code e_j = round(log(u_j/w0) /
   * log(wm))}, {@code w_j = round(w0 * wm^e_j / 8) * 8} (paper eq. 2-3).
   *
   * <p>timm computes this with float32 torch tensors ({@code torch.arange(depth) * wa + w0} is
   * float32 and every later op stays float32, scalars rounded to float32), and both roundings are
   * half-to-even; so does this method, to give exactly the same widths.
   */
  public static int[] blockWidths(int w0, double wa, double wm, int depth) {
    if (!(wa >= 0) || w0 <= 0 || !(wm > 1) || w0 % QUANT != 0 || depth < 1) {
      throw new IllegalArgumentException(
          "invalid RegNet parameters w0=" + w0 + " wa=" + wa + " wm=" + wm + " depth=" + depth);
    }
    float w0f = w0;
    float waf = (float) wa;
    float wmf = (float) wm;
    float logWm = (float) Math.log(wm);
    int[] widths = new int[depth];
    for (int j = 0; j < depth; j++) {
      float cont = (float) j * waf + w0f;
      float exp = (float) Math.rint((float) Math.log(cont / w0f) / logWm);
      float w = w0f * (float) Math.pow(wmf, exp);
      widths[j] = (int) ((float) Math.rint(w / QUANT) * QUANT);
    }
    return widths;
  }

  /** Python's {@code int(round(f / q) * q)} ({@code quantize_float}): round half to even. */
  static int quantizeFloat(double f, int q) {
    return (int) (Math.rint(f / q) * q);
  }

  /**
   * timm {@code make_divisible(v, divisor, min_value)} with the default round limit 0.9: round to
   * the nearest multiple (halves up), but never go down by more than 10%. timm passes the group min
   * ratio as {@code min_value}; it only matters for widths below half a group, which cannot occur.
   */
  static int makeDivisible(double v, int divisor, double minValue) {
    double min = minValue != 0 ? minValue : divisor;
    long rounded = (long) (v + divisor / 2.0) / divisor * divisor;
    double nv = Math.max(min, rounded);
    if (nv < 0.9 * v) {
      nv += divisor;
    }
    return (int) nv;
  }

  /**
   * Stages of a config, following timm: runs of equal block width become stages (stride 2 each),
   * then {@code adjust_widths_groups_comp} makes each width compatible with its group width: {@code
   * g = min(group_size, int(width*bottle_ratio))}, bottleneck width re-quantized to a multiple of
   * {@code g} (or torchvision's {@code make_divisible} when {@code group_min_ratio > 0}), width =
   * {@code int(bottleneck / bottle_ratio)}. SE width is {@code int(round(block_in * se_ratio))} of
   * the block <em>input</em> channels (timm {@code Bottleneck}).
   */
  public static List<StageSpec> stages(RegNetConfig c) {
    int[] blocks = blockWidths(c.w0(), c.wa(), c.wm(), c.depth());
    List<int[]> runs = new ArrayList<>(); // {width, depth}
    for (int w : blocks) {
      if (!runs.isEmpty() && runs.get(runs.size() - 1)[0] == w) {
        runs.get(runs.size() - 1)[1]++;
      } else {
        runs.add(new int[] {w, 1});
      }
    }
    List<StageSpec> out = new ArrayList<>(runs.size());
    int netStride = STEM_REDUCTION;
    int prevWidth = c.stemWidth();
    for (int i = 0; i < runs.size(); i++) {
      if (netStride >= OUTPUT_STRIDE) {
        throw new IllegalArgumentException(
            "config yields "
                + runs.size()
                + " stages; more than 4 needs dilation, which is not supported");
      }
      netStride *= 2;
      int[] run = runs.get(i);
      // adjust_widths_groups_comp
      int bottleneck = (int) (run[0] * c.bottleRatio());
      int groupWidth = Math.min(c.groupSize(), bottleneck);
      bottleneck =
          c.groupMinRatio() != 0
              ? makeDivisible(bottleneck, groupWidth, c.groupMinRatio())
              : quantizeFloat(bottleneck, groupWidth);
      int width = (int) (bottleneck / c.bottleRatio());
      // Bottleneck.__init__: bottleneck_chs = int(round(out_chs * bottle_ratio))
      int blockBottleneck = (int) Math.rint(width * c.bottleRatio());
      out.add(
          new StageSpec(
              i,
              prevWidth,
              width,
              run[1],
              2,
              groupWidth,
              blockBottleneck,
              seWidth(prevWidth, c.seRatio()),
              seWidth(width, c.seRatio())));
      prevWidth = width;
    }
    return List.copyOf(out);
  }

  /** {@code int(round(in_chs * se_ratio))} (Python round: half to even); 0 disables SE. */
  static int seWidth(int inChannels, double seRatio) {
    return seRatio == 0 ? 0 : (int) Math.rint(inChannels * seRatio);
  }
}
