package org.deit4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.data.Batch;
import org.deit4j.data.Loader;
import org.deit4j.engine.Tensors;
import org.deit4j.train.Classifier;

/**
 * Top-1 / top-5 accuracy per head (deit {@code engine.evaluate}): for a distilled DeiT the fused
 * mean and each head alone, plus the mean cross-entropy of the fused logits and a confusion matrix
 * (rows = true class, columns = predicted).
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Evaluation result; accuracies in percent.
   *
   * @param images images evaluated
   * @param top1 per head ({@code fused}, and {@code cls}/{@code dist} for distilled models)
   * @param top5 per head (top-min(5, K))
   * @param loss mean cross-entropy of the fused logits
   * @param confusion counts [true][predicted] for the fused logits
   */
  public record Result(
      long images,
      Map<String, Double> top1,
      Map<String, Double> top5,
      double loss,
      long[][] confusion) {}

  /** Runs the model in eval mode without autograd over one pass of {@code loader}. */
  @SuppressWarnings("try")
  public static Result evaluate(Classifier model, Loader loader) {
    int k = model.numClasses();
    boolean was = model.module().is_training();
    model.module().eval();
    Map<String, long[]> hits1 = new LinkedHashMap<>();
    Map<String, long[]> hits5 = new LinkedHashMap<>();
    long[][] confusion = new long[k][k];
    long n = 0;
    double lossSum = 0;
    try (NoGradGuard g = new NoGradGuard();
        Loader.EpochIterator it = loader.epoch(0)) {
      while (it.hasNext()) {
        try (PointerScope scope = new PointerScope()) {
          Batch b = it.next();
          Map<String, Tensor> heads = model.evalHeads(b.images());
          long[] labels = Tensors.toLongs(b.labels());
          for (Map.Entry<String, Tensor> e : heads.entrySet()) {
            long[] topk = topk(e.getValue(), Math.min(5, k));
            int kk = Math.min(5, k);
            long h1 = 0;
            long h5 = 0;
            for (int i = 0; i < labels.length; i++) {
              if (topk[i * kk] == labels[i]) {
                h1++;
              }
              for (int j = 0; j < kk; j++) {
                if (topk[i * kk + j] == labels[i]) {
                  h5++;
                  break;
                }
              }
              if (e.getKey().equals("fused")) {
                confusion[(int) labels[i]][(int) topk[i * kk]]++;
              }
            }
            hits1.computeIfAbsent(e.getKey(), x -> new long[1])[0] += h1;
            hits5.computeIfAbsent(e.getKey(), x -> new long[1])[0] += h5;
          }
          Tensor fused = heads.get("fused");
          lossSum += torch.cross_entropy(fused, b.labels()).item_double() * labels.length;
          n += labels.length;
        }
      }
    } finally {
      model.module().train(was);
    }
    Map<String, Double> top1 = new LinkedHashMap<>();
    Map<String, Double> top5 = new LinkedHashMap<>();
    for (String h : hits1.keySet()) {
      top1.put(h, n == 0 ? Double.NaN : 100.0 * hits1.get(h)[0] / n);
      top5.put(h, n == 0 ? Double.NaN : 100.0 * hits5.get(h)[0] / n);
    }
    return new Result(n, top1, top5, n == 0 ? Double.NaN : lossSum / n, confusion);
  }

  /** Indices of the k largest logits per row, row-major (B * k), best first. */
  static long[] topk(Tensor logits, int k) {
    T_TensorTensor_T r = logits.topk(k); // (values, indices), each (B, k)
    long[] out = Tensors.toLongs(r.get1());
    java.lang.ref.Reference.reachabilityFence(r); // get1() points into r
    return out;
  }
}
