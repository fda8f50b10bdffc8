package org.deit4j.io;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .pth} checkpoint read by {@link TorchPickle}: the pickled root object as plain Java
 * values (see {@link RestrictedUnpickler} for the mapping).
 *
 * @param file where it was read from (for messages)
 * @param root the unpickled object: usually a state dict or a dict holding one
 */
public record PthFile(Path file, Object root) {
  /** Keys tried, in order, when no key is given and the root is not itself a state dict. */
  public static final List<String> STATE_DICT_KEYS = List.of("model", "state_dict", "model_ema");

  /**
   * The state dict (parameter name to tensor) in this checkpoint.
   *
   * <p>With {@code keyOrNull} given, the root must be a dict whose entry {@code keyOrNull} is a
   * state dict. Without it: the root itself if it is a dict of tensors, else the first of {@code
   * model}, {@code state_dict}, {@code model_ema} (deit's {@code main.py} checkpoint keys) that is
   * present. Nothing else is flattened.
   *
   * @throws PthException if there is no such state dict or it holds non-tensor values
   */
  public Map<String, HostTensor> stateDict(String keyOrNull) throws PthException {
    if (!(root instanceof Map<?, ?> top)) {
      throw new PthException(file + ": the checkpoint root is not a dict, so it has no state dict");
    }
    if (keyOrNull != null) {
      if (!top.containsKey(keyOrNull)) {
        throw new PthException(
            file
                + ": no entry '"
                + keyOrNull
                + "' in the checkpoint; top-level keys: "
                + keys(top));
      }
      return asStateDict(top.get(keyOrNull), "'" + keyOrNull + "'");
    }
    if (isTensorMap(top)) {
      return asStateDict(top, "the root");
    }
    for (String k : STATE_DICT_KEYS) {
      if (top.containsKey(k)) {
        return asStateDict(top.get(k), "'" + k + "'");
      }
    }
    throw new PthException(
        file
            + ": no state dict found: the root is not a dict of tensors and has none of the keys "
            + STATE_DICT_KEYS
            + "; top-level keys: "
            + keys(top)
            + " (choose one with --key)");
  }

  private Map<String, HostTensor> asStateDict(Object o, String what) throws PthException {
    if (!(o instanceof Map<?, ?> m)) {
      throw new PthException(file + ": " + what + " is not a dict of tensors");
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof HostTensor t)) {
        throw new PthException(
            file
                + ": "
                + what
                + " is not a state dict: entry "
                + e.getKey()
                + " is "
                + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName()));
      }
      out.put(k, t);
    }
    return Collections.unmodifiableMap(out);
  }

  private static boolean isTensorMap(Map<?, ?> m) {
    if (m.isEmpty()) {
      return false;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof HostTensor)) {
        return false;
      }
    }
    return true;
  }

  private static String keys(Map<?, ?> m) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (Object k : m.keySet()) {
      if (i == 20) {
        return sb.append(", ...").toString();
      }
      sb.append(i++ == 0 ? "" : ", ").append(k);
    }
    return sb.length() == 0 ? "(none)" : sb.toString();
  }
}
