package org.deit4j.engine;

import java.util.function.Supplier;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;

/**
 * OpenBLAS's thread count, which libtorch's {@code at::set_num_threads} does not reach: libtorch
 * runs its fp32 GEMMs on OpenBLAS, whose pthread pool is sized once from {@code
 * OPENBLAS_NUM_THREADS} (or the core count) unless set here. {@link Engine#setThreads} keeps it
 * equal to libtorch's intra-op count.
 *
 * <p>{@link #singleThreaded} serves kernels that call BLAS from inside their own parallel loop
 * (libtorch's CPU flash attention): there each call must stay on its calling thread. {@link
 * #singleThreadedBackward} does the same for such a kernel's backward, which autograd runs later.
 *
 * <p>Memory: OpenBLAS takes buffers as its thread count changes; the process's RSS grows by up to
 * ~225 MB over the first ~2,000 switches and then stays flat (scratch harness: flat from 2,000 to
 * 16,000 switches; an attention-only training loop at 130 tokens flat from step 800 to 2,400;
 * {@code AttentionTest} checks the latter's flatness after the warm-up).
 */
public final class BlasThreads {
  private static int configured = -1;
  private static int singleDepth;
  // Per thread: autograd runs a CPU backward on the thread that called backward(), where the
  // hooks fire, so each thread closes only the periods its own backward opened.
  private static final ThreadLocal<int[]> OPEN_SECTIONS = ThreadLocal.withInitial(() -> new int[1]);

  // Two callbacks for the whole process: JavaCPP keeps a native thunk per FunctionPointer object.
  private static final VoidTensorHook ENTER_HOOK =
      new VoidTensorHook() {
        @Override
        public void call(TensorBase grad) {
          enterSection();
        }
      };
  private static final VoidTensorHook LEAVE_HOOK =
      new VoidTensorHook() {
        @Override
        public void call(TensorBase grad) {
          leaveSection();
        }
      };

  static {
    // Created once, possibly while some PointerScope is open: retained so closing it cannot free
    // the callbacks' native thunks, which every later registration points at.
    ENTER_HOOK.retainReference();
    LEAVE_HOOK.retainReference();
  }

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

  /**
   * Makes OpenBLAS single-threaded while autograd runs the backward of the op that turned {@code
   * input} into {@code output}: a tensor hook on {@code output} (it fires when that op's backward
   * is about to run) enters the single-threaded period, one on {@code input} (it fires once the
   * op's backward produced the input's gradient) leaves it. Both must require grad. Autograd runs
   * the consumers of a freshly produced gradient next, so only that op's backward runs inside.
   * {@link #closeBackwardSections} ends any period a failed backward left open.
   */
  public static void singleThreadedBackward(Tensor output, Tensor input) {
    if (!output.requires_grad() || !input.requires_grad()) {
      throw new IllegalArgumentException("both tensors must require grad");
    }
    output.register_hook(ENTER_HOOK);
    input.register_hook(LEAVE_HOOK);
  }

  /**
   * Single-threaded backward periods this thread's backward entered and has not yet left (0 outside
   * a backward).
   */
  public static int openBackwardSections() {
    return OPEN_SECTIONS.get()[0];
  }

  /**
   * Leaves every single-threaded backward period this thread's backward left open: call after a
   * backward pass (in a {@code finally}), so an exception inside one cannot leave OpenBLAS on one
   * thread.
   */
  public static void closeBackwardSections() {
    while (OPEN_SECTIONS.get()[0] > 0) {
      leaveSection();
    }
  }

  /** {@code loss.backward()}, then {@link #closeBackwardSections} even if it throws. */
  public static void backward(Tensor loss) {
    try {
      loss.backward();
    } finally {
      closeBackwardSections();
    }
  }

  static void enterSection() { // package-private for BlasThreadsTest
    OPEN_SECTIONS.get()[0]++;
    enter();
  }

  private static void leaveSection() {
    int[] open = OPEN_SECTIONS.get();
    if (open[0] > 0) { // a LEAVE without its ENTER (a backward through the input alone)
      open[0]--;
      leave();
    }
  }

  /** OpenBLAS's current thread count. */
  public static int current() {
    return openblas_nolapack.blas_get_num_threads();
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
