package org.deit4j.teacher;

import java.util.List;

/**
 * What a non-strict state-dict load left out, as PyTorch's {@code load_state_dict} result.
 *
 * @param missing model keys the state dict did not provide (left as they were)
 * @param unexpected state-dict keys the model does not have (ignored)
 */
public record LoadReport(List<String> missing, List<String> unexpected) {
  public LoadReport {
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
  }

  /** True when every key matched both ways. */
  public boolean isExact() {
    return missing.isEmpty() && unexpected.isEmpty();
  }
}
