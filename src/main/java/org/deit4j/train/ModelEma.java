package org.deit4j.train;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.NamedTensors;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;

/**
 * Exponential moving average of a model's parameters <em>and</em> buffers (deit {@code
 * --model-ema}, decay 0.99996, updated after every optimizer step), with timm's semantics:
 *
 * <ul>
 *   <li>{@link Version#V1} ({@code timm.utils.ModelEma}, what deit uses; V2 computes the same): for
 *       every state entry {@code ema = ema * decay + (1 - decay) * model}, in the entry's dtype;
 *       for integer buffers ({@code num_batches_tracked}) the float result is truncated back, so
 *       with decay near 1 they stay at their initial value.
 *   <li>{@link Version#V3} ({@code ModelEmaV3}): floating entries {@code ema *= decay; ema += (1 -
 *       decay) * model} (timm's foreach fallback, what the torch 1.13 reference ran; on newer torch
 *       timm calls {@code lerp_}, equal within 1 ulp), integer entries copied; {@link
 *       #update(Module, long)} uses timm's {@code get_decay(step)} (decay 0, i.e. a plain copy,
 *       while {@code step - updateAfterStep - 1 <= 0}; optional warmup {@code 1 - (1 +
 *       step/gamma)^-power} clamped to [minDecay, decay]).
 * </ul>
 *
 * <p>The EMA keeps its own tensors (a deep copy of the model's state at construction), keyed by the
 * model's parameter/buffer names; use {@link #copyTo(Module)} to evaluate with them.
 */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
public final class ModelEma implements AutoCloseable {
  /** Which timm EMA class to reproduce. */
  public enum Version {
    V1,
    V3
  }

  /**
   * EMA settings.
   *
   * @param version timm class
   * @param decay EMA decay in [0, 1] (deit {@code --model-ema-decay}, 0.99996)
   * @param minDecay V3 warmup floor
   * @param updateAfterStep V3: steps before averaging starts
   * @param useWarmup V3: warm the decay up with {@code warmupGamma}, {@code warmupPower}
   * @param warmupGamma V3 warmup inverse gamma (> 0)
   * @param warmupPower V3 warmup power (> 0)
   */
  public record Config(
      Version version,
      double decay,
      double minDecay,
      long updateAfterStep,
      boolean useWarmup,
      double warmupGamma,
      double warmupPower) {
    public Config {
      if (version == null) {
        throw new IllegalArgumentException("version is required");
      }
      if (!(decay >= 0 && decay <= 1) || !(minDecay >= 0 && minDecay <= 1)) {
        throw new IllegalArgumentException(
            "decays must be in [0, 1], got " + decay + ", " + minDecay);
      }
      if (updateAfterStep < 0 || !(warmupGamma > 0) || !(warmupPower > 0)) {
        throw new IllegalArgumentException("bad EMA warmup settings");
      }
    }

    /** timm {@code ModelEma(model, decay)}: deit's EMA. */
    public static Config v1(double decay) {
      return new Config(Version.V1, decay, 0.0, 0, false, 1.0, 2.0 / 3.0);
    }

    /** timm {@code ModelEmaV3(model, decay)} with its defaults (no warmup). */
    public static Config v3(double decay) {
      return new Config(Version.V3, decay, 0.0, 0, false, 1.0, 2.0 / 3.0);
    }
  }

  /** deit {@code --model-ema-decay}. */
  public static final double DEIT_DECAY = 0.99996;

  private final Config config;
  private final Map<String, Tensor> ema = new LinkedHashMap<>();
  private boolean closed;

  /** deit's EMA: V1 with {@code decay}. */
  public ModelEma(Module model, double decay) {
    this(model, Config.v1(decay));
  }

  /** An EMA initialised to a copy of {@code model}'s parameters and buffers. */
  public ModelEma(Module model, Config config) {
    this.config = config;
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : NamedTensors.stateDict(model).entrySet()) {
        Tensor copy = e.getValue().detach().clone();
        ema.put(e.getKey(), copy.retainReference());
      }
    }
  }

  /** The settings. */
  public Config config() {
    return config;
  }

  /** timm {@code get_decay(step)}: the decay used by {@link #update(Module, long)}. */
  public double decayAt(long step) {
    long s = Math.max(0, step - config.updateAfterStep() - 1);
    if (s <= 0) {
      return 0.0;
    }
    if (!config.useWarmup()) {
      return config.decay();
    }
    double d = 1 - Math.pow(1 + s / config.warmupGamma(), -config.warmupPower());
    return Math.max(Math.min(d, config.decay()), config.minDecay());
  }

  /** One EMA update with the configured decay (timm {@code update(model)}). */
  public void update(Module model) {
    apply(model, config.decay());
  }

  /**
   * One EMA update with timm's step-dependent decay ({@code ModelEmaV3.update(model, step)}); for
   * V1 the step is ignored, as V1 has no step argument.
   */
  public void update(Module model, long step) {
    apply(model, config.version() == Version.V3 ? decayAt(step) : config.decay());
  }

  private void apply(Module model, double decay) {
    ensureOpen();
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      Map<String, Tensor> current = NamedTensors.stateDict(model);
      if (!current.keySet().equals(ema.keySet())) {
        throw new IllegalArgumentException(
            "model state names differ from the EMA's: " + current.keySet() + " vs " + ema.keySet());
      }
      for (Map.Entry<String, Tensor> e : ema.entrySet()) {
        Tensor ev = e.getValue();
        Tensor mv = current.get(e.getKey()).detach();
        if (config.version() == Version.V1) {
          // timm: ema_v.copy_(ema_v * decay + (1. - decay) * model_v); for int64 entries the
          // products are float32 (type promotion) and copy_ truncates back to int.
          ev.copy_(ev.mul(new Scalar(decay)).add(mv.mul(new Scalar(1.0 - decay))));
        } else if (ev.is_floating_point()) {
          // timm V3 on torch without _foreach_lerp_ (the reference, torch 1.13): _foreach_mul_
          // then _foreach_add_(alpha=1-decay). On torch >= 2 timm calls lerp_, which agrees to
          // within 1 ulp; this form reproduces the reference values.
          ev.mul_(new Scalar(decay)).add_(mv, new Scalar(1.0 - decay));
        } else {
          ev.copy_(mv);
        }
      }
    }
  }

  /** The EMA tensors by name (live, read-only map; do not modify the tensors). */
  public Map<String, Tensor> tensors() {
    ensureOpen();
    return Collections.unmodifiableMap(ema);
  }

  /** The EMA state as named host tensors (the model's state_dict names). */
  public Map<String, HostTensor> stateDict() {
    ensureOpen();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : ema.entrySet()) {
      out.put(e.getKey(), Tensors.toHost(e.getValue()));
    }
    return out;
  }

  /** Overwrites the EMA from a {@link #stateDict()} (same names, shapes; dtypes converted). */
  public void loadStateDict(Map<String, HostTensor> sd) {
    ensureOpen();
    if (!sd.keySet().equals(ema.keySet())) {
      throw new IllegalArgumentException(
          "EMA state names differ: " + sd.keySet() + " vs " + ema.keySet());
    }
    for (Map.Entry<String, Tensor> e : ema.entrySet()) {
      HostTensor h = sd.get(e.getKey());
      if (!Arrays.equals(h.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException(
            e.getKey()
                + " has shape "
                + Arrays.toString(h.shape())
                + ", EMA has "
                + Tensors.shapeOf(e.getValue()));
      }
    }
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : ema.entrySet()) {
        e.getValue().copy_(Tensors.toTorch(sd.get(e.getKey())));
      }
    }
  }

  /**
   * Copies the EMA values into {@code target} (a model of the same architecture), e.g. to evaluate.
   */
  public void copyTo(Module target) {
    ensureOpen();
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      Map<String, Tensor> dst = NamedTensors.stateDict(target);
      if (!dst.keySet().equals(ema.keySet())) {
        throw new IllegalArgumentException(
            "target state names differ from the EMA's: " + dst.keySet() + " vs " + ema.keySet());
      }
      for (Map.Entry<String, Tensor> e : ema.entrySet()) {
        dst.get(e.getKey()).copy_(e.getValue());
      }
    }
  }

  /** Releases the EMA tensors. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (Tensor t : ema.values()) {
        t.releaseReference();
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("EMA is closed");
    }
  }
}
