package org.deit4j.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.NamedTensors;
import org.deit4j.engine.Tensors;

/**
 * A module's tensors by timm key ↔ host tensors. Because module and parameter names are timm's, the
 * key of {@code blocks.3.attn.qkv.weight} is simply its {@code named_parameters()} name; the only
 * translations are the explicit renames in {@link #RENAMES} (original-checkpoint spellings, as
 * timm's checkpoint filters do).
 */
public final class StateDict {
  private StateDict() {}

  /**
   * Key renames applied on load: facebookresearch/deit DeiT-III checkpoints name LayerScale {@code
   * gamma_1/gamma_2}; timm (and we) say {@code ls1.gamma/ls2.gamma}.
   */
  static final Map<String, String> RENAMES =
      Map.of(".gamma_1", ".ls1.gamma", ".gamma_2", ".ls2.gamma");

  /** Parameters then buffers, by name, in module order (handles safe to keep). */
  public static Map<String, Tensor> tensors(Module m) {
    return NamedTensors.stateDict(m);
  }

  /** Copies every parameter and buffer to host memory, keyed by timm name, in module order. */
  public static Map<String, HostTensor> save(Module m) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors(m).entrySet()) {
      out.put(e.getKey(), Tensors.toHost(e.getValue()));
    }
    return out;
  }

  /** Applies {@link #RENAMES} to a checkpoint key. */
  public static String canonicalKey(String key) {
    for (Map.Entry<String, String> r : RENAMES.entrySet()) {
      if (key.endsWith(r.getKey())) {
        return key.substring(0, key.length() - r.getKey().length()) + r.getValue();
      }
    }
    return key;
  }

  /**
   * What a load did.
   *
   * @param loaded keys copied into the module
   * @param missing module keys the file lacked
   * @param unexpected file keys the module lacks
   * @param mismatched keys present in both with different shapes ("key: file [..] vs model [..]")
   * @param dropped keys left out on purpose (non-strict head mismatch)
   */
  public record LoadReport(
      List<String> loaded,
      List<String> missing,
      List<String> unexpected,
      List<String> mismatched,
      List<String> dropped) {
    /** True when every key matched. */
    public boolean clean() {
      return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty() && dropped.isEmpty();
    }
  }

  /**
   * Loads host tensors into a module by key.
   *
   * @param module target
   * @param weights tensors by (possibly original-spelling) key; floating types are converted to the
   *     parameter's dtype
   * @param strict if true, any missing, unexpected or mis-shaped key is an error listing all of
   *     them; if false, mismatched keys accepted by {@code droppable} (e.g. classifier heads when
   *     the class count differs, as deit's fine-tuning drops {@code head}/{@code head_dist}) are
   *     skipped, and missing/unexpected keys are only reported
   * @param droppable keys that may be dropped in non-strict mode when their shape differs
   * @throws IllegalArgumentException in strict mode on any mismatch, and in non-strict mode on a
   *     shape mismatch that is not droppable
   */
  public static LoadReport load(
      Module module, Map<String, HostTensor> weights, boolean strict, Predicate<String> droppable) {
    Map<String, Tensor> target = tensors(module);
    Map<String, HostTensor> source = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
      source.put(canonicalKey(e.getKey()), e.getValue());
    }
    List<String> loaded = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    Map<String, HostTensor> toCopy = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : target.entrySet()) {
      HostTensor h = source.get(e.getKey());
      if (h == null) {
        missing.add(e.getKey());
        continue;
      }
      long[] want = e.getValue().shape();
      if (!Arrays.equals(want, h.shape())) {
        String msg =
            e.getKey()
                + ": file "
                + Arrays.toString(h.shape())
                + " vs model "
                + Arrays.toString(want);
        if (!strict && droppable.test(e.getKey())) {
          dropped.add(msg);
        } else {
          mismatched.add(msg);
        }
        continue;
      }
      if (h.dtype().isFloating() != Tensors.dtype(e.getValue().scalar_type()).isFloating()) {
        // as PyTorch: float weights never load into integer buffers or back
        mismatched.add(
            e.getKey()
                + ": file "
                + h.dtype()
                + " vs model "
                + Tensors.dtype(e.getValue().scalar_type()));
        continue;
      }
      toCopy.put(e.getKey(), h);
    }
    for (String k : source.keySet()) {
      if (!target.containsKey(k)) {
        unexpected.add(k);
      }
    }
    boolean fail =
        !mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()));
    if (fail) {
      throw new IllegalArgumentException(describe(missing, unexpected, mismatched));
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, HostTensor> e : toCopy.entrySet()) {
        // one scope per tensor frees each temporary source at once (checkpoints can be large)
        try (PointerScope scope = new PointerScope()) {
          // copy_ converts the dtype (e.g. F16/BF16 checkpoints) into the parameter's dtype
          target.get(e.getKey()).copy_(Tensors.toTorch(e.getValue()));
        }
        loaded.add(e.getKey());
      }
    }
    return new LoadReport(loaded, missing, unexpected, mismatched, dropped);
  }

  private static String describe(
      List<String> missing, List<String> unexpected, List<String> mismatched) {
    StringBuilder sb = new StringBuilder("weights do not fit the model:");
    if (!missing.isEmpty()) {
      sb.append(" missing ").append(missing.size()).append(" ").append(abbrev(missing)).append(';');
    }
    if (!unexpected.isEmpty()) {
      sb.append(" unexpected ")
          .append(unexpected.size())
          .append(" ")
          .append(abbrev(unexpected))
          .append(';');
    }
    if (!mismatched.isEmpty()) {
      sb.append(" shape mismatch ")
          .append(mismatched.size())
          .append(" ")
          .append(abbrev(mismatched))
          .append(';');
    }
    return sb.toString();
  }

  private static String abbrev(List<String> keys) {
    return keys.size() <= 12 ? keys.toString() : keys.subList(0, 12) + " ...";
  }
}
