package org.deit4j.dist;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deit4j.eval.Evaluator;

/**
 * Combines the {@link Evaluator.Result}s of the workers' shards into the result of the whole test
 * set: hit counts, image counts, loss sums and the confusion matrix are summed (one all-reduce),
 * and the percentages recomputed from the sums, so nothing is averaged twice.
 */
public final class ShardedEval {
  private ShardedEval() {}

  /** The whole-set result; with one replica, {@code local} itself. */
  public static Evaluator.Result reduce(Evaluator.Result local, Replicas replicas) {
    if (replicas.worldSize() == 1) {
      return local;
    }
    List<String> heads = new ArrayList<>(local.top1().keySet());
    int k = local.confusion().length;
    long n = local.images();
    // [images, loss sum, hits1 per head, hits5 per head, confusion k*k]
    double[] v = new double[2 + 2 * heads.size() + k * k];
    v[0] = n;
    v[1] = n == 0 ? 0 : local.loss() * n;
    for (int h = 0; h < heads.size(); h++) {
      v[2 + h] = hits(local.top1().get(heads.get(h)), n);
      v[2 + heads.size() + h] = hits(local.top5().get(heads.get(h)), n);
    }
    int base = 2 + 2 * heads.size();
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        v[base + i * k + j] = local.confusion()[i][j];
      }
    }
    double[] s = replicas.sum(v);
    long total = Math.round(s[0]);
    Map<String, Double> top1 = new LinkedHashMap<>();
    Map<String, Double> top5 = new LinkedHashMap<>();
    for (int h = 0; h < heads.size(); h++) {
      top1.put(heads.get(h), percent(s[2 + h], total));
      top5.put(heads.get(h), percent(s[2 + heads.size() + h], total));
    }
    long[][] confusion = new long[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        confusion[i][j] = Math.round(s[base + i * k + j]);
      }
    }
    return new Evaluator.Result(
        total, top1, top5, total == 0 ? Double.NaN : s[1] / total, confusion);
  }

  /**
   * The hit count behind a percentage of {@code n} images: {@code 100 * h / n} in double precision
   * is within 1e-13 relative of the exact value, so rounding recovers {@code h} exactly for any
   * realistic {@code n}.
   */
  private static double hits(double percent, long n) {
    return n == 0 ? 0 : Math.round(percent * n / 100.0);
  }

  private static double percent(double hits, long n) {
    return n == 0 ? Double.NaN : 100.0 * Math.round(hits) / n;
  }
}
