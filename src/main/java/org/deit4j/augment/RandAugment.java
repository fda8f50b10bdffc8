package org.deit4j.augment;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * timm's {@code RandAugment}: draw {@code n} ops uniformly WITH replacement from the op list, and
 * apply each ({@code AugmentOp.__call__}) with probability {@code p}, at magnitude {@code N(m,
 * mstd)} (or {@code U(0, m)} when mstd is infinite) clipped to [0, mmax], with a random sign for
 * signed ops and, for geometric ops, one of the configured filters drawn per call.
 */
public final class RandAugment implements ImageTransform {
  private final RandAugmentConfig config;
  private final RandAugmentOp[] ops;
  private final int[] fill;
  private final Interpolation[] filters;
  private final double translatePct;

  /**
   * @param fill geometric ops' fill colour (timm {@code img_mean}: the dataset mean colour)
   * @param filters geometric ops' filters; one is drawn per op call (timm {@code 'random'} = both
   *     BILINEAR and BICUBIC)
   * @param translatePct timm {@code translate_pct} hparam (default 0.45)
   */
  public RandAugment(
      RandAugmentConfig config, int[] fill, Interpolation[] filters, double translatePct) {
    if (fill.length != 3) {
      throw new IllegalArgumentException("fill needs 3 values");
    }
    if (filters.length == 0) {
      throw new IllegalArgumentException("need at least one interpolation");
    }
    for (Interpolation f : filters) {
      if (f == Interpolation.LANCZOS) {
        throw new IllegalArgumentException("PIL's affine transform has no LANCZOS filter");
      }
    }
    this.config = config;
    this.ops = config.ops();
    this.fill = fill.clone();
    this.filters = filters.clone();
    this.translatePct = translatePct;
  }

  /** As timm's {@code create_transform}: given config, ImageNet-mean fill, one filter, pct 0.45. */
  public RandAugment(RandAugmentConfig config, int[] fill, Interpolation filter) {
    this(config, fill, new Interpolation[] {filter}, 0.45);
  }

  public RandAugmentConfig config() {
    return config;
  }

  /** The op list drawn from (a copy). */
  public RandAugmentOp[] ops() {
    return ops.clone();
  }

  @Override
  public Image apply(Image image, RandomGenerator rng, Trace trace) {
    Image img = image;
    for (int i = 0; i < config.numLayers(); i++) {
      RandAugmentOp op = ops[rng.nextInt(ops.length)]; // np.random.choice(replace=True)
      img = applyOp(img, op, rng, trace);
    }
    return img;
  }

  /** timm {@code AugmentOp.__call__} for one op. */
  Image applyOp(Image img, RandAugmentOp op, RandomGenerator rng, Trace trace) {
    if (config.prob() < 1.0 && Draws.random(rng) > config.prob()) {
      return img;
    }
    double magnitude = sampleMagnitude(rng);
    // _randomly_negate: -v if random() > 0.5; drawn only by signed level functions.
    int sign = op.signed() && Draws.random(rng) > 0.5 ? -1 : 1;
    double arg = op.argument(magnitude, sign, translatePct);
    Interpolation filter = op.geometric() ? Draws.choice(rng, filters) : filters[0];
    if (trace != Trace.NONE) {
      trace.note(label(op, magnitude, sign));
    }
    return op.applyArgument(img, arg, filter, fill);
  }

  /** The per-call magnitude: {@code clip(N(m, mstd), 0, mmax)} ({@code U(0, m)} for inf mstd). */
  double sampleMagnitude(RandomGenerator rng) {
    double magnitude = config.magnitude();
    double std = config.magnitudeStd();
    if (std > 0) {
      magnitude =
          Double.isInfinite(std)
              ? Draws.uniform(rng, 0, magnitude)
              : Draws.gauss(rng, magnitude, std);
    }
    return Math.max(0.0, Math.min(magnitude, config.upperBound()));
  }

  /**
   * Applies one op by timm name at a forced magnitude and sign, like the fixtures ({@code
   * AugmentOp} with {@code prob=1, magnitude_std=0}); uses the first configured filter.
   */
  public Image applyNamed(Image img, String timmName, double magnitude, int sign) {
    RandAugmentOp op = RandAugmentOp.byTimmName(timmName);
    return op.applyArgument(img, op.argument(magnitude, sign, translatePct), filters[0], fill);
  }

  private static String label(RandAugmentOp op, double magnitude, int sign) {
    if (op.magnitudeFree()) {
      return op.timmName();
    }
    String s = op.signed() ? (sign < 0 ? "-" : "+") : "";
    return String.format(Locale.ROOT, "%s %.1f%s", op.timmName(), magnitude, s);
  }
}
