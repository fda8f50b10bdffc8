package org.deit4j.data;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The random numbers {@link Mixup} consumes, named after the numpy calls in timm's {@code Mixup} so
 * a test (or a replay) can pin them: {@code np.random.rand()}, {@code np.random.beta(a, a)} and
 * {@code np.random.randint(0, n)}.
 */
public interface MixupDraws {
  /** Uniform in {@code [0, 1)}. */
  double uniform();

  /** A draw from the symmetric Beta(alpha, alpha) distribution, {@code alpha > 0}. */
  double beta(double alpha);

  /** Uniform integer in {@code [0, bound)}. */
  int randint(int bound);

  /** Draws from a seeded generator (not numpy's stream: the distributions match, values do not). */
  static MixupDraws seeded(long seed) {
    return of(new SplittableRandom(seed));
  }

  /** Draws from {@code rng}. Beta is sampled as {@code X / (X + Y)} with X, Y ~ Gamma(alpha). */
  static MixupDraws of(RandomGenerator rng) {
    return new MixupDraws() {
      @Override
      public double uniform() {
        return rng.nextDouble();
      }

      @Override
      public double beta(double alpha) {
        double x = gamma(rng, alpha);
        double y = gamma(rng, alpha);
        return x + y == 0 ? 0.5 : x / (x + y);
      }

      @Override
      public int randint(int bound) {
        return rng.nextInt(bound);
      }
    };
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (2000), boosted for shape below 1. */
  private static double gamma(RandomGenerator rng, double shape) {
    if (!(shape > 0)) {
      throw new IllegalArgumentException("gamma shape must be > 0, got " + shape);
    }
    if (shape < 1) {
      // Gamma(a) = Gamma(a + 1) * U^(1/a)
      double u = rng.nextDouble();
      return gamma(rng, shape + 1) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
