package org.deit4j.augment;

import java.util.Locale;

/**
 * The ops of timm's RandAugment lists ({@code _RAND_TRANSFORMS} and {@code
 * _RAND_INCREASING_TRANSFORMS}), each with timm's magnitude-to-argument mapping ({@code
 * LEVEL_TO_ARG}) and op function ({@code NAME_TO_OP}). Names are timm's ({@link #timmName()}).
 *
 * <p>Magnitudes are on timm's 0..10 scale ({@code _LEVEL_DENOM = 10}). Signed ops ({@link
 * #signed()}) negate their argument with probability 1/2 in training ({@code _randomly_negate}).
 */
public enum RandAugmentOp {
  AUTO_CONTRAST("AutoContrast", Kind.NONE, false),
  EQUALIZE("Equalize", Kind.NONE, false),
  INVERT("Invert", Kind.NONE, false),
  ROTATE("Rotate", Kind.GEOMETRIC, true),
  POSTERIZE("Posterize", Kind.COLOR, false),
  POSTERIZE_INCREASING("PosterizeIncreasing", Kind.COLOR, false),
  SOLARIZE("Solarize", Kind.COLOR, false),
  SOLARIZE_INCREASING("SolarizeIncreasing", Kind.COLOR, false),
  SOLARIZE_ADD("SolarizeAdd", Kind.COLOR, false),
  COLOR("Color", Kind.COLOR, false),
  COLOR_INCREASING("ColorIncreasing", Kind.COLOR, true),
  CONTRAST("Contrast", Kind.COLOR, false),
  CONTRAST_INCREASING("ContrastIncreasing", Kind.COLOR, true),
  BRIGHTNESS("Brightness", Kind.COLOR, false),
  BRIGHTNESS_INCREASING("BrightnessIncreasing", Kind.COLOR, true),
  SHARPNESS("Sharpness", Kind.COLOR, false),
  SHARPNESS_INCREASING("SharpnessIncreasing", Kind.COLOR, true),
  SHEAR_X("ShearX", Kind.GEOMETRIC, true),
  SHEAR_Y("ShearY", Kind.GEOMETRIC, true),
  TRANSLATE_X_REL("TranslateXRel", Kind.GEOMETRIC, true),
  TRANSLATE_Y_REL("TranslateYRel", Kind.GEOMETRIC, true);

  /** timm's {@code _LEVEL_DENOM}: magnitudes are on a 0..10 scale. */
  public static final double LEVEL_DENOM = 10.0;

  /** timm {@code _RAND_INCREASING_TRANSFORMS} ({@code inc1}), in timm's order. */
  public static final RandAugmentOp[] INCREASING = {
    AUTO_CONTRAST,
    EQUALIZE,
    INVERT,
    ROTATE,
    POSTERIZE_INCREASING,
    SOLARIZE_INCREASING,
    SOLARIZE_ADD,
    COLOR_INCREASING,
    CONTRAST_INCREASING,
    BRIGHTNESS_INCREASING,
    SHARPNESS_INCREASING,
    SHEAR_X,
    SHEAR_Y,
    TRANSLATE_X_REL,
    TRANSLATE_Y_REL
  };

  /** timm {@code _RAND_TRANSFORMS} (no {@code inc}), in timm's order. */
  public static final RandAugmentOp[] STANDARD = {
    AUTO_CONTRAST,
    EQUALIZE,
    INVERT,
    ROTATE,
    POSTERIZE,
    SOLARIZE,
    SOLARIZE_ADD,
    COLOR,
    CONTRAST,
    BRIGHTNESS,
    SHARPNESS,
    SHEAR_X,
    SHEAR_Y,
    TRANSLATE_X_REL,
    TRANSLATE_Y_REL
  };

  private enum Kind {
    NONE,
    COLOR,
    GEOMETRIC
  }

  private final String timmName;
  private final Kind kind;
  private final boolean signed;

  RandAugmentOp(String timmName, Kind kind, boolean signed) {
    this.timmName = timmName;
    this.kind = kind;
    this.signed = signed;
  }

  /** timm's op name, e.g. {@code "TranslateXRel"}. */
  public String timmName() {
    return timmName;
  }

  /** Whether timm's level function draws a random sign for this op. */
  public boolean signed() {
    return signed;
  }

  /** Whether the op resamples geometry (uses interpolation and fill). */
  public boolean geometric() {
    return kind == Kind.GEOMETRIC;
  }

  /**
   * Whether the op ignores its magnitude ({@code AutoContrast}, {@code Equalize}, {@code Invert}).
   */
  public boolean magnitudeFree() {
    return kind == Kind.NONE;
  }

  /** Looks an op up by its timm name (case-insensitive). */
  public static RandAugmentOp byTimmName(String name) {
    for (RandAugmentOp op : values()) {
      if (op.timmName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown RandAugment op: " + name);
  }

  /**
   * timm's level function: the op argument for {@code magnitude} (already clipped) and {@code sign}
   * (+1 or -1; ignored unless {@link #signed()}). Rotate: degrees; Shear: factor; Translate*Rel:
   * fraction of the image side; Posterize: bits kept; Solarize: threshold; SolarizeAdd: the addend;
   * enhance ops: the blend factor; NaN for magnitude-free ops.
   */
  public double argument(double magnitude, int sign, double translatePct) {
    double level = magnitude / LEVEL_DENOM;
    double s = signed && sign < 0 ? -1 : 1;
    return switch (this) {
      case AUTO_CONTRAST, EQUALIZE, INVERT -> Double.NaN;
      case ROTATE -> negateIf(level * 30.0, s);
      case SHEAR_X, SHEAR_Y -> negateIf(level * 0.3, s);
      case TRANSLATE_X_REL, TRANSLATE_Y_REL -> negateIf(level * translatePct, s);
      case POSTERIZE -> (int) (level * 4);
      case POSTERIZE_INCREASING -> 4 - (int) (level * 4);
      case SOLARIZE -> (int) (level * 256);
      case SOLARIZE_INCREASING -> 256 - (int) (level * 256);
      case SOLARIZE_ADD -> Math.min(128, (int) (level * 110));
      case COLOR, CONTRAST, BRIGHTNESS, SHARPNESS -> level * 1.8 + 0.1;
      case COLOR_INCREASING, CONTRAST_INCREASING, BRIGHTNESS_INCREASING, SHARPNESS_INCREASING ->
          Math.max(0.1, 1.0 + negateIf(level * 0.9, s));
    };
  }

  private static double negateIf(double v, double s) {
    return s < 0 ? -v : v;
  }

  /**
   * timm's op function applied with a resolved {@link #argument}.
   *
   * @param filter resampling filter for geometric ops (timm's {@code resample} kwarg)
   * @param fill fill colour for geometric ops (timm's {@code fillcolor}, the mean colour)
   */
  public Image applyArgument(Image img, double arg, Interpolation filter, int[] fill) {
    int w = img.width();
    int h = img.height();
    return switch (this) {
      case AUTO_CONTRAST -> PointOps.autocontrast(img);
      case EQUALIZE -> PointOps.equalize(img);
      case INVERT -> PointOps.invert(img);
      case ROTATE -> Affine.rotate(img, arg, filter, fill);
      case SHEAR_X -> Affine.transform(img, w, h, new double[] {1, arg, 0, 0, 1, 0}, filter, fill);
      case SHEAR_Y -> Affine.transform(img, w, h, new double[] {1, 0, 0, arg, 1, 0}, filter, fill);
      case TRANSLATE_X_REL ->
          Affine.transform(img, w, h, new double[] {1, 0, arg * w, 0, 1, 0}, filter, fill);
      case TRANSLATE_Y_REL ->
          Affine.transform(img, w, h, new double[] {1, 0, 0, 0, 1, arg * h}, filter, fill);
      case POSTERIZE, POSTERIZE_INCREASING -> PointOps.posterize(img, (int) arg);
      case SOLARIZE, SOLARIZE_INCREASING -> PointOps.solarize(img, (int) arg);
      case SOLARIZE_ADD -> PointOps.solarizeAdd(img, (int) arg, 128);
      case COLOR, COLOR_INCREASING -> Enhance.color(img, arg);
      case CONTRAST, CONTRAST_INCREASING -> Enhance.contrast(img, arg);
      case BRIGHTNESS, BRIGHTNESS_INCREASING -> Enhance.brightness(img, arg);
      case SHARPNESS, SHARPNESS_INCREASING -> Enhance.sharpness(img, arg);
    };
  }

  /**
   * Applies the op at a forced {@code magnitude} (0..10 scale, not clipped) and {@code sign}, as
   * timm's {@code AugmentOp} with {@code prob=1, magnitude_std=0} and the sign pinned.
   */
  public Image apply(Image img, double magnitude, int sign, Interpolation filter, int[] fill) {
    return applyArgument(img, argument(magnitude, sign, 0.45), filter, fill);
  }
}
