package org.deit4j.augment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * A named per-sample recipe and its options, with DeiT's flag names; {@link #build()} makes the
 * runnable {@link SampleTransform}. See {@link Recipes} for the defaults and what each name means.
 *
 * @param name {@code deit}, {@code deit3}, {@code none} or {@code eval}
 * @param inputSize output side ({@code --input-size}); DeiT treats {@code <= 32} as CIFAR-style
 * @param mean per-channel mean on the [0, 1] scale
 * @param std per-channel std
 * @param autoAugment timm config string ({@code --aa}), e.g. {@code rand-m9-mstd0.5-inc1}; empty or
 *     {@code none} for no RandAugment
 * @param reprob random-erasing probability ({@code --reprob})
 * @param remode random-erasing mode ({@code --remode})
 * @param hflip horizontal-flip probability
 * @param colorJitter colour-jitter strength ({@code --color-jitter}); timm ignores it when
 *     RandAugment is on
 * @param interpolation {@code --train-interpolation}: bicubic, bilinear or random
 * @param cropPct eval centre-crop fraction ({@code --eval-crop-ratio}, 0.875)
 * @param srcCrop DeiT-III {@code --src}: Resize + RandomCrop(padding 4, reflect) instead of
 *     RandomResizedCrop
 */
public record Recipe(
    String name,
    int inputSize,
    double[] mean,
    double[] std,
    String autoAugment,
    double reprob,
    RandomErasing.Mode remode,
    double hflip,
    double colorJitter,
    String interpolation,
    double cropPct,
    boolean srcCrop) {

  /** The recipe names {@link Recipes} builds. */
  public static final Set<String> NAMES = Set.of("deit", "deit3", "none", "eval");

  /** Validates every option. */
  public Recipe {
    name = name.toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown recipe '" + name + "' (one of " + NAMES + ")");
    }
    if (inputSize <= 0) {
      throw new IllegalArgumentException("input size must be positive: " + inputSize);
    }
    mean = mean.clone();
    std = std.clone();
    new Normalize(mean, std); // validates
    autoAugment = autoAugment == null ? "" : autoAugment.trim();
    if (hasAutoAugment(autoAugment)) {
      RandAugmentConfig.parse(autoAugment); // validates; only timm 'rand' configs are ported
    }
    if (!(reprob >= 0 && reprob <= 1)) {
      throw new IllegalArgumentException("reprob must be in [0, 1]: " + reprob);
    }
    if (remode == null) {
      throw new IllegalArgumentException("remode is required");
    }
    if (!(hflip >= 0 && hflip <= 1)) {
      throw new IllegalArgumentException("hflip must be in [0, 1]: " + hflip);
    }
    if (!(colorJitter >= 0)) {
      throw new IllegalArgumentException("color jitter must be >= 0: " + colorJitter);
    }
    for (Interpolation f : Interpolation.choicesFor(interpolation)) {
      if (f == Interpolation.NEAREST) {
        throw new IllegalArgumentException("nearest interpolation is not supported for resizes");
      }
    }
    if (!(cropPct > 0 && cropPct <= 1)) {
      throw new IllegalArgumentException("crop pct must be in (0, 1]: " + cropPct);
    }
  }

  static boolean hasAutoAugment(String aa) {
    return !aa.isEmpty() && !aa.equalsIgnoreCase("none");
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  /** Builds the runnable transform. */
  public Pipeline build() {
    return Recipes.build(this);
  }

  /** A copy with another input size. */
  public Recipe withInputSize(int size) {
    return new Recipe(
        name,
        size,
        mean,
        std,
        autoAugment,
        reprob,
        remode,
        hflip,
        colorJitter,
        interpolation,
        cropPct,
        srcCrop);
  }

  /** A copy with other mean/std. */
  public Recipe withNormalization(double[] newMean, double[] newStd) {
    return new Recipe(
        name,
        inputSize,
        newMean,
        newStd,
        autoAugment,
        reprob,
        remode,
        hflip,
        colorJitter,
        interpolation,
        cropPct,
        srcCrop);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Recipe r
        && r.name.equals(name)
        && r.inputSize == inputSize
        && Arrays.equals(r.mean, mean)
        && Arrays.equals(r.std, std)
        && r.autoAugment.equals(autoAugment)
        && r.reprob == reprob
        && r.remode == remode
        && r.hflip == hflip
        && r.colorJitter == colorJitter
        && r.interpolation.equals(interpolation)
        && r.cropPct == cropPct
        && r.srcCrop == srcCrop;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + inputSize) + autoAugment.hashCode();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "Recipe[%s size=%d aa=%s reprob=%s remode=%s hflip=%s jitter=%s interp=%s crop_pct=%s%s]",
        name,
        inputSize,
        autoAugment,
        reprob,
        remode,
        hflip,
        colorJitter,
        interpolation,
        cropPct,
        srcCrop ? " src" : "");
  }
}
