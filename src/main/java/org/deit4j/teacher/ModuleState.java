package org.deit4j.teacher;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.deit4j.engine.Tensors;
import org.deit4j.io.HostTensor;

/**
 * PyTorch-style state dicts for any libtorch {@link Module}: the same keys and the same order as
 * {@code nn.Module.state_dict()} (per module: own parameters, own buffers, then children in
 * registration order), and {@code load_state_dict} semantics.
 */
public final class ModuleState {
  private ModuleState() {}

  /** Live parameters and buffers (not copies), keyed and ordered as PyTorch's state dict. */
  public static LinkedHashMap<String, Tensor> entries(Module m) {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    walk(m, "", out);
    return out;
  }

  private static void walk(Module m, String prefix, Map<String, Tensor> out) {
    addAll(m.named_parameters(false), prefix, out);
    addAll(m.named_buffers(false), prefix, out);
    StringSharedModuleDict children = m.named_children();
    try {
      for (long i = 0; i < children.size(); i++) {
        var item = children.get(i);
        walk(item.value(), prefix + item.key().getString() + ".", out);
      }
    } finally {
      // The items point into the native dict: keep it alive until the walk is done.
      Reference.reachabilityFence(children);
    }
  }

  private static void addAll(StringTensorDict d, String prefix, Map<String, Tensor> out) {
    try {
      for (long i = 0; i < d.size(); i++) {
        var item = d.get(i);
        // value() is a reference into the dict: take our own handle (shares the storage).
        out.put(prefix + item.key().getString(), new Tensor(item.value()));
      }
    } finally {
      Reference.reachabilityFence(d);
    }
  }

  /**
   * All parameters of a module (own handles sharing storage with the module's). Use this instead of
   * iterating {@code module.parameters()} directly: its elements point into a temporary native
   * vector that the garbage collector may free while they are still in use.
   */
  public static List<Tensor> parameters(Module m) {
    TensorVector v = m.parameters();
    try {
      List<Tensor> out = new ArrayList<>((int) v.size());
      for (long i = 0; i < v.size(); i++) {
        out.add(new Tensor(v.get(i)));
      }
      return out;
    } finally {
      Reference.reachabilityFence(v);
    }
  }

  /** Copies of all entries as host tensors, in state-dict order. */
  public static LinkedHashMap<String, HostTensor> toHost(Module m) {
    LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
    entries(m).forEach((k, v) -> out.put(k, Tensors.toHost(v)));
    return out;
  }

  /**
   * Copies {@code sd} into the module's parameters and buffers (in place, no autograd), converting
   * dtypes of the same kind (e.g. F16 file into F32 weights).
   *
   * <p>Shape mismatches and float/integer mismatches always fail, as in PyTorch. With {@code
   * strict}, missing and unexpected keys fail too. Nothing is copied when the load fails.
   *
   * @throws IllegalArgumentException listing every offending key in one message
   */
  public static LoadReport load(Module m, Map<String, HostTensor> sd, boolean strict) {
    LinkedHashMap<String, Tensor> own = entries(m);
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      HostTensor src = sd.get(e.getKey());
      if (src == null) {
        missing.add(e.getKey());
        continue;
      }
      Tensor dst = e.getValue();
      long[] want = dst.shape();
      if (!Arrays.equals(want, src.shape())) {
        mismatched.add(
            e.getKey()
                + " (checkpoint "
                + Arrays.toString(src.shape())
                + ", model "
                + Arrays.toString(want)
                + ")");
      } else if (src.dtype().isFloating() != Tensors.dtype(dst.scalar_type()).isFloating()) {
        mismatched.add(
            e.getKey()
                + " (checkpoint "
                + src.dtype()
                + ", model "
                + Tensors.dtype(dst.scalar_type())
                + ")");
      }
    }
    for (String k : sd.keySet()) {
      if (!own.containsKey(k)) {
        unexpected.add(k);
      }
    }
    boolean fail = !mismatched.isEmpty() || strict && (!missing.isEmpty() || !unexpected.isEmpty());
    if (fail) {
      StringBuilder msg = new StringBuilder("cannot load state dict:");
      append(msg, "size/dtype mismatch", mismatched);
      if (strict) {
        append(msg, "missing keys", missing);
        append(msg, "unexpected keys", unexpected);
      }
      throw new IllegalArgumentException(msg.toString());
    }
    NoGrad.run(
        () -> {
          for (Map.Entry<String, Tensor> e : own.entrySet()) {
            HostTensor src = sd.get(e.getKey());
            if (src != null) {
              // The scope frees each temporary source tensor at once (checkpoints can be ~0.5 GB).
              PointerScope scope = new PointerScope();
              try {
                e.getValue().copy_(Tensors.toTorch(src));
              } finally {
                scope.close();
              }
            }
          }
        });
    return new LoadReport(missing, unexpected);
  }

  private static void append(StringBuilder msg, String what, List<String> keys) {
    if (!keys.isEmpty()) {
      msg.append(' ').append(keys.size()).append(' ').append(what).append(": ").append(keys);
      msg.append(';');
    }
  }
}
