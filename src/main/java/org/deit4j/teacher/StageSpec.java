package org.deit4j.teacher;

/**
 * One RegNet stage as timm builds it ({@code RegNet._get_stage_args} + {@code RegStage}): a run of
 * {@code depth} bottleneck blocks with the same output width; the first block takes {@code inWidth}
 * channels and applies the stride.
 *
 * @param index 0-based stage index; the module is named {@code s<index+1>}
 * @param inWidth input channels of the first block (previous stage width, or the stem width)
 * @param width output channels of every block (after {@code adjust_widths_groups_comp})
 * @param depth number of blocks
 * @param stride stride of the first block's 3x3 conv and shortcut (1 or 2)
 * @param groupWidth channels per group of the grouped 3x3 conv
 * @param bottleneckWidth channels inside the block: {@code int(round(width * bottle_ratio))}
 * @param seChannelsFirst squeeze-excitation reduction width of the first block (0: no SE)
 * @param seChannelsOther SE reduction width of the other blocks (0: no SE)
 */
public record StageSpec(
    int index,
    int inWidth,
    int width,
    int depth,
    int stride,
    int groupWidth,
    int bottleneckWidth,
    int seChannelsFirst,
    int seChannelsOther) {

  public StageSpec {
    if (index < 0 || inWidth < 1 || width < 1 || depth < 1 || groupWidth < 1) {
      throw new IllegalArgumentException("invalid stage " + index + ": non-positive size");
    }
    if (stride != 1 && stride != 2) {
      throw new IllegalArgumentException("stage stride must be 1 or 2, got " + stride);
    }
    if (bottleneckWidth < 1 || bottleneckWidth % groupWidth != 0) {
      throw new IllegalArgumentException(
          "bottleneck width "
              + bottleneckWidth
              + " is not a positive multiple of group width "
              + groupWidth);
    }
    if (seChannelsFirst < 0 || seChannelsOther < 0) {
      throw new IllegalArgumentException("SE width must be >= 0");
    }
  }

  /** timm module name of the stage: {@code s1}, {@code s2}, ... */
  public String name() {
    return "s" + (index + 1);
  }

  /** Number of groups of the 3x3 conv ({@code bottleneck_chs // group_size} in timm). */
  public int groups() {
    return bottleneckWidth / groupWidth;
  }

  /** Input channels of block {@code block} (0-based). */
  public int blockInWidth(int block) {
    return block == 0 ? inWidth : width;
  }

  /** Stride of block {@code block} (0-based): only the first block downsamples. */
  public int blockStride(int block) {
    return block == 0 ? stride : 1;
  }

  /** SE reduction width of block {@code block} (0-based); 0 means no SE module. */
  public int seChannels(int block) {
    return block == 0 ? seChannelsFirst : seChannelsOther;
  }

  /**
   * Whether block {@code block} has a projection shortcut ({@code downsample}: 1x1 conv + BN): timm
   * {@code create_shortcut} uses one whenever channels or stride change.
   */
  public boolean hasDownsample(int block) {
    return blockInWidth(block) != width || blockStride(block) != 1;
  }
}
