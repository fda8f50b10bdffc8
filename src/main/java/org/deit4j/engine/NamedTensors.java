package org.deit4j.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.StringTensorDictItemVector;
import org.bytedeco.pytorch.Tensor;

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
   * Parameters then buffers: the entries of torch's {@code state_dict()} (names equal; torch
   * interleaves them per submodule, which does not matter for name-keyed use).
   */
  public static Map<String, Tensor> stateDict(Module m) {
    Map<String, Tensor> out = parameters(m);
    for (Map.Entry<String, Tensor> e : buffers(m).entrySet()) {
      if (out.put(e.getKey(), e.getValue()) != null) {
        throw new IllegalStateException("name used by a parameter and a buffer: " + e.getKey());
      }
    }
    return out;
  }

  private static Map<String, Tensor> toMap(StringTensorDict dict) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    StringTensorDictItemVector items = dict.items();
    for (long i = 0; i < items.size(); i++) {
      StringTensorDictItem item = items.get(i);
      // value() is a reference into the dict, which dies with it: copy the handle (shares storage).
      out.put(item.key().getString(), new Tensor(item.value()));
    }
    return out;
  }
}
