package org.deit4j.train;

/**
 * Thrown when a loss or gradient norm is NaN or infinite: training has diverged. deit's {@code
 * engine.py} prints "Loss is nan, stopping training" and exits; the trainer maps this exception to
 * its "diverged" exit code.
 */
public final class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final double value;

  /**
   * @param what the quantity that was checked (e.g. "loss", "grad norm")
   * @param value the offending value (NaN or +-Inf; NaN when only some elements were non-finite)
   */
  public NonFiniteException(String what, double value) {
    super(what + " is " + value + ", stopping training");
    this.what = what;
    this.value = value;
  }

  /** The quantity that was checked. */
  public String what() {
    return what;
  }

  /** The non-finite value observed. */
  public double value() {
    return value;
  }
}
