package org.deit4j.engine;

import org.bytedeco.pytorch.global.torch;

/**
 * The one door to libtorch: prepares the native cache safely ({@link NativeLibs}), then configures
 * threads. Every entry point (CLI, tests, library users) calls {@link #init()} before touching a
 * tensor; it is idempotent and cheap.
 */
public final class Engine {
  private static volatile boolean ready;

  private Engine() {}

  /** Initialise with all available cores (or {@code DEIT4J_THREADS} / {@code -Ddeit4j.threads}). */
  public static void init() {
    if (ready) {
      return;
    }
    synchronized (Engine.class) {
      if (ready) {
        return;
      }
      NativeLibs.ensureExtracted();
      // libtorch here starts with 1 intra-op thread; DeiT wants every core for GEMMs.
      setThreads(defaultThreads());
      ready = true;
    }
  }

  /** Threads requested by the environment, else the number of cores this JVM may use. */
  public static int defaultThreads() {
    String s = System.getProperty("deit4j.threads", System.getenv("DEIT4J_THREADS"));
    if (s != null && !s.isBlank()) {
      int n = Integer.parseInt(s.trim());
      if (n < 1) {
        throw new IllegalArgumentException("thread count must be >= 1, got " + n);
      }
      return n;
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** Sets libtorch's intra-op thread count. */
  public static void setThreads(int n) {
    NativeLibs.ensureExtracted();
    torch.set_num_threads(n);
    BlasThreads.set(n); // OpenBLAS (fp32 GEMMs) keeps its own pool, see BlasThreads
  }

  /** Current intra-op thread count. */
  public static int threads() {
    init();
    return torch.get_num_threads();
  }
}
