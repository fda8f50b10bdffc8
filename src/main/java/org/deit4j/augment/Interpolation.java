package org.deit4j.augment;

import java.util.Locale;

/**
 * A PIL resampling filter, as named by timm's {@code interpolation} strings ({@code
 * str_to_pil_interp}).
 *
 * <p>The same name means different kernels in PIL's two samplers: the affine sampler ({@link
 * Affine}, used by RandAugment's geometric ops) has NEAREST, BILINEAR and BICUBIC (cubic a = -1);
 * the convolution resampler ({@link Resize}) has BILINEAR (triangle), BICUBIC (Keys a = -0.5) and
 * LANCZOS (a = 3), all antialiased.
 */
public enum Interpolation {
  NEAREST,
  BILINEAR,
  BICUBIC,
  LANCZOS;

  /**
   * Parses a timm interpolation name ({@code nearest}, {@code bilinear}, {@code bicubic}, {@code
   * lanczos}). {@code random} is not a single filter: see {@link #choicesFor(String)}.
   */
  public static Interpolation parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "nearest" -> NEAREST;
      case "bilinear" -> BILINEAR;
      case "bicubic" -> BICUBIC;
      case "lanczos" -> LANCZOS;
      default -> throw new IllegalArgumentException("unknown interpolation: " + name);
    };
  }

  /**
   * The filters a transform configured with {@code name} picks from: one filter, or BILINEAR and
   * BICUBIC for {@code random} (timm's {@code _RANDOM_INTERPOLATION}, picked uniformly per call).
   */
  public static Interpolation[] choicesFor(String name) {
    if (name.equalsIgnoreCase("random")) {
      return new Interpolation[] {BILINEAR, BICUBIC};
    }
    return new Interpolation[] {parse(name)};
  }

  /** Lower-case timm name. */
  public String timmName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
