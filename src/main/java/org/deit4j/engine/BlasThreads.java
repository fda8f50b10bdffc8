package org.deit4j.engine;

import java.util.function.Supplier;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * OpenBLAS's thread count, which libtorch's {@code at::set_num_threads} does not reach: libtorch
 * runs its fp32 GEMMs on OpenBLAS, whose pthread pool is sized once from {@code
 * OPENBLAS_NUM_THREADS} (or the core count) unless set here. {@link Engine#setThreads} keeps it
 * equal to libtorch's intra-op count.
 *
 * <p>{@link #singleThreaded} serves kernels that call BLAS from inside their own parallel loop
 * (libtorch's CPU flash attention): there each call must stay on its calling thread.
 */
public final class BlasThreads {
  private static int configured = -1;
  private static int singleDepth;

  private BlasThreads() {}

  /** Sets OpenBLAS's thread count (bytedeco's presets call {@code openblas_set_num_threads}). */
  public static synchronized void set(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("thread count must be >= 1, got " + n);
    }
    configured = n;
    if (singleDepth == 0) {
      openblas_nolapack.blas_set_num_threads(n);
    }
  }

  /** The count last set through {@link #set}, or -1 if none was. */
  public static synchronized int configured() {
    return configured;
  }

  /**
   * Runs {@code body} with OpenBLAS on one thread, then restores the configured count. Nested and
   * concurrent calls share one single-threaded period (the count is process-wide).
   */
  public static <T> T singleThreaded(Supplier<T> body) {
    enter();
    try {
      return body.get();
    } finally {
      leave();
    }
  }

  private static synchronized void enter() {
    if (singleDepth++ == 0 && configured != 1) {
      openblas_nolapack.blas_set_num_threads(1);
    }
  }

  private static synchronized void leave() {
    if (--singleDepth == 0 && configured != 1) {
      openblas_nolapack.blas_set_num_threads(configured > 0 ? configured : defaultCount());
    }
  }

  /** OpenBLAS's own default when nothing was set: its environment variable, else all cores. */
  private static int defaultCount() {
    String env = System.getenv("OPENBLAS_NUM_THREADS");
    try {
      return env == null
          ? Runtime.getRuntime().availableProcessors()
          : Integer.parseInt(env.trim());
    } catch (NumberFormatException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }
}
