package org.deit4j.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/** Weight initialisers used by timm's ViT ({@code init_weights_vit_timm}). */
public final class Init {
  private Init() {}

  /**
   * Truncated normal in place: N(mean, std) restricted to [a, b] (absolute bounds, timm's {@code
   * trunc_normal_} defaults a=-2, b=2). Sampled by the inverse-CDF method: uniform on [cdf(a),
   * cdf(b)], then the inverse normal CDF via {@code erfinv}.
   */
  public static void truncNormal(Tensor t, double mean, double std, double a, double b) {
    try (NoGradGuard g = new NoGradGuard()) {
      double lo = normCdf((a - mean) / std);
      double hi = normCdf((b - mean) / std);
      // uniform on [2lo-1, 2hi-1] then erfinv gives a standard normal truncated to [a, b]
      // (an explicit empty GeneratorOptional crashes the presets' uniform_(lo, hi, gen): use [0,
      // 1))
      t.uniform_();
      t.mul_(new Scalar(2 * (hi - lo))).add_(new Scalar(2 * lo - 1));
      t.erfinv_();
      t.mul_(new Scalar(std * Math.sqrt(2.0)));
      t.add_(new Scalar(mean));
      t.clamp_(new ScalarOptional(new Scalar(a)), new ScalarOptional(new Scalar(b)));
    }
  }

  /** timm's {@code trunc_normal_(t, std=std)}: mean 0, bounds [-2, 2]. */
  public static void truncNormal(Tensor t, double std) {
    truncNormal(t, 0, std, -2, 2);
  }

  /** N(0, std) in place. */
  public static void normal(Tensor t, double std) {
    try (NoGradGuard g = new NoGradGuard()) {
      t.normal_();
      t.mul_(new Scalar(std));
    }
  }

  /** Fills in place. */
  public static void constant(Tensor t, double v) {
    try (NoGradGuard g = new NoGradGuard()) {
      t.fill_(new Scalar(v));
    }
  }

  private static double normCdf(double x) {
    return (1.0 + erf(x / Math.sqrt(2.0))) / 2.0;
  }

  /**
   * erf to ~1e-15 (Abramowitz-Stegun is too coarse for bounds; use a series/continued fraction).
   */
  static double erf(double x) {
    if (x < 0) {
      return -erf(-x);
    }
    if (x > 6) {
      return 1.0;
    }
    if (x < 2.5) {
      // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
      double sum = 0;
      double term = x;
      for (int n = 0; n < 200; n++) {
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
        term *= -x * x / (n + 1);
      }
      return 2 / Math.sqrt(Math.PI) * sum;
    }
    // continued fraction for erfc at larger x
    double f = 0;
    for (int k = 60; k >= 1; k--) {
      f = k / 2.0 / (x + f);
    }
    double erfc = Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
    return 1 - erfc;
  }
}
