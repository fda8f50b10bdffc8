package org.deit4j.engine;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.StringTensorDictItemVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Named parameters and buffers of a libtorch module, with the dotted names torch uses ({@code
 * blocks.0.norm1.weight}); the basis for parameter groups, EMA and checkpoints.
 *
 * <p>The returned tensors share storage with the module. They are fresh Java handles: if the caller
 * runs inside a {@code PointerScope} and keeps them beyond it, it must {@code retainReference()}
 * them.
 */
public final class NamedTensors {
  private NamedTensors() {}

  /** All parameters, recursively, in registration order. */
  public static Map<String, Tensor> parameters(Module m) {
    return toMap(m.named_parameters(true));
  }

  /** All buffers (e.g. BatchNorm running stats), recursively, in registration order. */
  public static Map<String, Tensor> buffers(Module m) {
    return toMap(m.named_buffers(true));
  }

  /**
   * Parameters and buffers keyed and ordered as PyTorch's {@code state_dict()}: per module its own
   * parameters, then its own buffers, then its children in registration order.
   */
  public static Map<String, Tensor> stateDict(Module m) {
    Map<String, Tensor> out = new LinkedHashMap<>();
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
      // the items point into the native dict: keep it alive until the walk is done
      Reference.reachabilityFence(children);
    }
  }

  private static void addAll(StringTensorDict d, String prefix, Map<String, Tensor> out) {
    Map<String, Tensor> own = toMap(d);
    own.forEach((k, v) -> out.put(prefix + k, v));
  }

  /**
   * All parameters (own handles sharing storage with the module's). Use this instead of iterating
   * {@code module.parameters()} directly: its elements point into a temporary native vector that
   * the garbage collector may free while they are still in use.
   */
  public static List<Tensor> parameterList(Module m) {
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

  private static Map<String, Tensor> toMap(StringTensorDict dict) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    StringTensorDictItemVector items = dict.items();
    try {
      for (long i = 0; i < items.size(); i++) {
        StringTensorDictItem item = items.get(i);
        // value() is a reference into the dict, which dies with it: copy the handle (shares
        // storage).
        out.put(item.key().getString(), new Tensor(item.value()));
      }
    } finally {
      Reference.reachabilityFence(items);
      Reference.reachabilityFence(dict);
    }
    return out;
  }
}
