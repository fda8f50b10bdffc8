package org.deit4j.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a safetensors file.
 *
 * @param tensors tensors by name, in header order (unmodifiable)
 * @param metadata the optional {@code __metadata__} string map (unmodifiable, empty if absent)
 */
public record SafetensorsFile(Map<String, HostTensor> tensors, Map<String, String> metadata) {
  public SafetensorsFile {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * The tensor named {@code key}.
   *
   * @throws SafetensorsException if absent; the message lists the available keys
   */
  public HostTensor get(String key) throws SafetensorsException {
    HostTensor t = tensors.get(key);
    if (t == null) {
      throw new SafetensorsException(
          "no tensor '" + key + "'; available: " + describeKeys(tensors.keySet(), 50));
    }
    return t;
  }

  /** Up to {@code max} names joined by commas, then a count of the rest. */
  static String describeKeys(java.util.Collection<String> keys, int max) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (String k : keys) {
      if (i == max) {
        return sb.append(", ... (").append(keys.size() - max).append(" more)").toString();
      }
      if (i++ > 0) {
        sb.append(", ");
      }
      sb.append(k);
    }
    return i == 0 ? "(none)" : sb.toString();
  }
}
