package org.deit4j.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.OneDnn;
import org.deit4j.engine.OneDnn.Activation;

/**
 * A {@code nn.Linear} (optionally followed by GELU) that, when no gradient is wanted, runs as one
 * oneDNN primitive ({@link OneDnn#linear}) instead of libtorch's {@code linear} then {@code gelu}.
 *
 * <p>The weight is prepacked once into oneDNN's blocked layout ({@link OneDnn#prepackLinearWeight}:
 * always in bf16, in fp32 where libtorch's packing is trusted; else the plain parameter, or its
 * bf16 copy, is used) and cached with the bias in the working dtype, keyed by the parameters'
 * storage and autograd version counters, so any in-place update (an optimizer step, loading a
 * checkpoint, an EMA copy) invalidates them. An fp32 packed weight is a second copy of the layer's
 * weight in memory. Training and anything under autograd take the plain path, where the module's
 * own parameters are used.
 *
 * <p>Calls on one layer are serialised (the cache is shared state); libtorch's intra-op threads
 * already use every core inside each call.
 */
final class InferenceLinear {
  private final LinearImpl linear;
  private Tensor prepared;
  private long preparedVersion = -1;
  private long preparedBiasVersion = -1;
  private long preparedAddress;
  private torch.ScalarType preparedType;
  private Tensor preparedBias;

  InferenceLinear(LinearImpl linear) {
    this.linear = linear;
  }

  /** {@code act(linear(x))}, (..., K) -> (..., N). */
  Tensor forward(Tensor x, Activation act, boolean training) {
    torch.ScalarType type = fusedType(x, training);
    if (type == null) {
      Tensor y = linear.forward(x);
      return act == Activation.GELU ? torch.gelu(y) : y; // erf GELU, timm's nn.GELU()
    }
    Tensor in = x.scalar_type().intern() == type ? x : x.to(type);
    synchronized (this) {
      prepare(type);
      return OneDnn.linear(in, prepared, preparedBias, act);
    }
  }

  /**
   * The dtype the fused kernel would run in, or null for the plain path: training, grad mode on,
   * the path switched off, or a dtype it does not cover.
   */
  static torch.ScalarType fusedType(Tensor x, boolean training) {
    if (training || GradMode.is_enabled() || !OneDnn.enabled()) {
      return null;
    }
    if (torch.is_autocast_enabled(torch.DeviceType.CPU)) {
      // Autocast does not see dispatcher calls to the mkldnn ops, so cast as autocast would.
      return torch.get_autocast_dtype(torch.DeviceType.CPU).intern() == torch.ScalarType.BFloat16
          ? torch.ScalarType.BFloat16
          : null;
    }
    // fp32 at every row count: with OpenBLAS kept single-threaded through the inference forward
    // (VisionTransformer), oneDNN was faster at batch 1, 8 and 32 (DeiT-Ti, 2 cores). Session 2's
    // threshold of 4,096 rows came from OpenBLAS at 2 threads, which beat oneDNN at batch 8 while
    // its pool took the cores from oneDNN's.
    return x.scalar_type().intern() == torch.ScalarType.Float ? torch.ScalarType.Float : null;
  }

  private void prepare(torch.ScalarType type) {
    Tensor w = linear.weight();
    long version = w._version();
    long address = w.data_ptr().address();
    Tensor b = linear.bias();
    boolean hasBias = b != null && b.defined();
    long biasVersion = hasBias ? b._version() : -1;
    if (prepared != null
        && version == preparedVersion
        && biasVersion == preparedBiasVersion
        && address == preparedAddress
        && type == preparedType) {
      return;
    }
    release();
    try (PointerScope own = new PointerScope()) {
      Tensor wt = w.detach().to(type).contiguous(); // fp32: the parameter's own storage
      Tensor packed = OneDnn.prepackLinearWeight(wt);
      prepared = packed != null ? packed : wt;
      prepared.retainReference();
      if (hasBias) {
        preparedBias = b.detach().to(type).contiguous();
        preparedBias.retainReference();
      }
    }
    preparedVersion = version;
    preparedBiasVersion = biasVersion;
    preparedAddress = address;
    preparedType = type;
  }

  private void release() {
    if (prepared != null) {
      prepared.releaseReference();
      prepared = null;
    }
    if (preparedBias != null) {
      preparedBias.releaseReference();
      preparedBias = null;
    }
  }
}
