package org.deit4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * One optimizer parameter group: named parameters sharing a weight decay (torch's {@code
 * param_groups} entry). The learning rate is held by the optimizer per group.
 *
 * @param params parameters by name, in a stable order
 * @param weightDecay decoupled weight decay for these parameters
 */
public record ParamGroup(Map<String, Tensor> params, double weightDecay) {
  public ParamGroup {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }
}
