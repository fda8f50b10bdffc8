package org.deit4j.engine;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's oneDNN inference kernels, reached through the op dispatcher: a fused linear layer
 * ({@code y = act(x Wᵀ + b)} in one oneDNN primitive, bias and activation as post-ops) that takes
 * its weight either as is or prepacked into oneDNN's blocked layout. These are the ops PyTorch
 * Inductor's CPU "freezing" pass emits ({@code mkldnn::_linear_pointwise}, {@code
 * mkldnn::_reorder_linear_weight}); they have no autograd formula, so they serve inference only.
 *
 * <p>Why: on this project's 2-core AVX-512 machines, DeiT-Ti's {@code fc1}+GELU (6304×192 → 768)
 * measured 9.2–10.9 ms as {@code linear} then {@code gelu}, 6.3–6.5 ms fused with a prepacked fp32
 * weight; in bf16 7.5 ms against 4.4–5.4 ms (see {@code docs/benchmarks/throughput.md}).
 *
 * <p>{@code DEIT4J_ONEDNN=0} (or {@code -Ddeit4j.onednn=false}) turns the path off, for A/B
 * comparisons and as an escape hatch.
 */
public final class OneDnn {
  /** Post-op applied inside the linear primitive (oneDNN's names). */
  public enum Activation {
    NONE("none"),
    /** Exact (erf) GELU, timm's {@code nn.GELU()}. */
    GELU("gelu");

    final String attr;

    Activation(String attr) {
      this.attr = attr;
    }
  }

  private static volatile Ops ops;
  private static volatile Boolean enabled;

  private OneDnn() {}

  /** Whether the fused kernels exist in this libtorch build and are not switched off. */
  public static boolean enabled() {
    Boolean e = enabled;
    if (e == null) {
      synchronized (OneDnn.class) {
        if (enabled == null) {
          enabled = lookUp();
        }
        e = enabled;
      }
    }
    return e;
  }

  private static boolean lookUp() {
    String flag = System.getProperty("deit4j.onednn", System.getenv("DEIT4J_ONEDNN"));
    if (flag != null && (flag.equals("0") || flag.equalsIgnoreCase("false"))) {
      return false;
    }
    Engine.init();
    if (!torch.hasMKLDNN()) {
      return false;
    }
    try (PointerScope scope = new PointerScope()) {
      Ops o = new Ops();
      o.retain();
      ops = o;
      return true;
    } catch (RuntimeException e) {
      return false; // a build without the mkldnn op library: callers take the plain path
    }
  }

  /**
   * {@code act(x Wᵀ + b)} for {@code x} of shape (..., K), {@code w} (N, K), {@code b} (N) or null.
   * The output has {@code x}'s leading dimensions and dtype; {@code x}, {@code w} and {@code b}
   * must share a dtype (fp32 or bf16).
   */
  public static Tensor linear(Tensor x, Tensor w, Tensor b, Activation act) {
    if (!enabled()) {
      throw new IllegalStateException("oneDNN kernels are not available or switched off");
    }
    IValueVector stack = new IValueVector();
    stack.push_back(new IValue(x));
    stack.push_back(new IValue(w));
    stack.push_back(b == null ? new IValue() : new IValue(b));
    stack.push_back(new IValue(act.attr));
    stack.push_back(new IValue(new GenericList(ops.scalarElement)));
    stack.push_back(
        new IValue("none")); // algorithm: GELU's "none" = erf, not the tanh approximation
    Dispatcher.singleton().callBoxed(ops.linearPointwise, stack);
    return result(stack);
  }

  /**
   * {@code w} (N, K) reordered once into the blocked layout oneDNN's kernels read ({@code
   * mkldnn::_reorder_linear_weight}, no batch-size hint), for {@link #linear}; without it every
   * call reorders the plain weight again. Returns null where the packed product cannot be trusted,
   * and the caller multiplies by the plain weight.
   *
   * <ul>
   *   <li>bf16: always packed; a scan of 2,592 shapes (9 input × 9 output sizes, 8 row counts, 4
   *       hints) found no error. DeiT-Ti's four linears at batch 32, 2 cores, scratch harness: 11.1
   *       to 9.1 ms per block; DeiT-S's 33.7 to 31.4 ms.
   *   <li>fp32: libtorch 2.10's reorder gives wrong products (relative error 0.3–0.9) for some
   *       output sizes — in the same scan N = 96 and 1,000 at every row count and hint, N = 64 with
   *       a batch hint of 1, none for N = 192, 384, 768 or 1,536 — so it is packed only for N a
   *       multiple of 64 from 128 up and only if a probe product agrees with the plain weight's
   *       ({@link #packedAgrees}; the wrong shapes were wrong at every row count). DeiT-B's four
   *       linears at batch 1 (197 rows): 11.6 to 8.4 ms per block; DeiT-Ti's at batch 32: 17.9 to
   *       16.5 ms.
   * </ul>
   */
  public static Tensor prepackLinearWeight(Tensor w) {
    torch.ScalarType type = w.scalar_type().intern();
    if (type == torch.ScalarType.BFloat16) {
      return reorder(w);
    }
    if (type != torch.ScalarType.Float) {
      throw new IllegalArgumentException("fp32 or bf16 weights only, got " + type);
    }
    long n = w.size(0);
    if (n % 64 != 0 || n < 128) {
      return null;
    }
    Tensor packed = reorder(w);
    return packedAgrees(w, packed) ? packed : null;
  }

  /**
   * Whether {@link #linear} with {@code packed} reproduces the plain weight {@code w}'s product on
   * two deterministic probe inputs (1 and 37 rows; no random numbers drawn, so a caller's seeded
   * generator is untouched), to 1e-4 of the output's scale.
   */
  static boolean packedAgrees(Tensor w, Tensor packed) {
    long k = w.size(1);
    for (long rows : new long[] {1, 37}) {
      Tensor x =
          torch
              .arange(new Scalar(rows * k))
              .mul(new Scalar(0.37))
              .sin()
              .reshape(rows, k)
              .to(w.scalar_type()); // (rows, K)
      Tensor want = linear(x, w, null, Activation.NONE);
      Tensor got = linear(x, packed, null, Activation.NONE);
      double scale = want.abs().max().item_double();
      double err = got.sub(want).abs().max().item_double();
      if (!(err <= 1e-4 * scale + 1e-6)) { // false for NaN too
        return false;
      }
    }
    return true;
  }

  /** The raw reorder, unchecked (package-private for OneDnnTest); throws if oneDNN is off. */
  static Tensor reorder(Tensor w) {
    if (!enabled()) {
      throw new IllegalStateException("oneDNN kernels are not available or switched off");
    }
    IValueVector stack = new IValueVector();
    stack.push_back(new IValue(w));
    stack.push_back(new IValue()); // batch_size: None, the layout serves every row count
    Dispatcher.singleton().callBoxed(ops.reorderLinearWeight, stack);
    return result(stack);
  }

  /**
   * The op's output as a tensor of its own: {@code IValue::toTensor()} is mapped to the
   * by-reference overload, so the Java object would point into {@code stack} and dangle once it is
   * freed.
   */
  private static Tensor result(IValueVector stack) {
    return new Tensor(stack.get(0).toTensor()); // copy: shares the storage, owns its handle
  }

  /** Operator handles, looked up once (the schemas are registered by libtorch at load). */
  private static final class Ops {
    final OperatorHandle linearPointwise =
        Dispatcher.singleton().findSchemaOrThrow("mkldnn::_linear_pointwise", "");

    final OperatorHandle reorderLinearWeight =
        Dispatcher.singleton().findSchemaOrThrow("mkldnn::_reorder_linear_weight", "");

    /** Element type of the {@code Scalar?[] scalars} argument (index 4), for an empty list. */
    final Type.TypePtr scalarElement =
        linearPointwise.schema().arguments().position(4).type().get().containedType(0);

    void retain() {
      linearPointwise.retainReference();
      reorderLinearWeight.retainReference();
      scalarElement.retainReference();
    }
  }
}
