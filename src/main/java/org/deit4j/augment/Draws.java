package org.deit4j.augment;

import java.util.random.RandomGenerator;

/**
 * Python {@code random}-module style draws on a {@link RandomGenerator}, so each transform reads
 * like the timm/torchvision code it ports. Values are not bit-identical to CPython's Mersenne
 * Twister streams (that is not a goal); the distributions are.
 */
final class Draws {
  private Draws() {}

  /** {@code random.random()}: uniform in [0, 1). */
  static double random(RandomGenerator rng) {
    return rng.nextDouble();
  }

  /** {@code random.uniform(a, b)} = {@code a + (b - a) * random()}. */
  static double uniform(RandomGenerator rng, double a, double b) {
    return a + (b - a) * rng.nextDouble();
  }

  /** {@code random.randint(lo, hi)}: both ends inclusive. */
  static int randint(RandomGenerator rng, int lo, int hi) {
    return lo == hi ? lo : rng.nextInt(lo, hi + 1);
  }

  /** {@code random.gauss(mu, sigma)}. */
  static double gauss(RandomGenerator rng, double mu, double sigma) {
    return mu + sigma * rng.nextGaussian();
  }

  /** {@code random.choice(xs)}. */
  static <T> T choice(RandomGenerator rng, T[] xs) {
    return xs.length == 1 ? xs[0] : xs[rng.nextInt(xs.length)];
  }

  /** Python {@code int(round(x))}: round half to even, then to int. */
  static int roundHalfEven(double x) {
    return (int) Math.rint(x);
  }
}
