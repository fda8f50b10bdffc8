package org.deit4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.data.Batch;
import org.deit4j.data.Loader;
import org.deit4j.data.Mixup;
import org.deit4j.data.MixupDraws;
import org.deit4j.dist.Replicas;
import org.deit4j.dist.ShardedEval;
import org.deit4j.distill.DistillationLoss;
import org.deit4j.distill.StudentOutputs;
import org.deit4j.engine.NamedTensors;
import org.deit4j.eval.Evaluator;
import org.deit4j.teacher.LogitsModel;

/**
 * The DeiT training loop (deit {@code engine.train_one_epoch} + {@code main.py}): per epoch set the
 * cosine lr, then for every batch Mixup/CutMix → teacher logits on the mixed batch → student
 * forward → distillation loss → backward → (clip) → AdamW → EMA; then evaluate, checkpoint, report.
 *
 * <p>Deterministic: the loader derives each sample's randomness from (seed, epoch, position), and
 * each step reseeds libtorch (drop path, dropout) and Mixup from (seed, epoch, step). So a run
 * resumed from the checkpoint of epoch e repeats epochs e.. exactly as an uninterrupted run would.
 * Every step runs inside one {@code PointerScope}, freeing its native memory deterministically.
 *
 * <p>Crash safety: a step whose loss or global gradient norm is NaN/Inf throws {@link
 * NonFiniteException} before the optimizer touches the weights, so no damaged state is ever
 * checkpointed. At the end of an epoch the listeners (which append {@code metrics.jsonl}) run
 * before the checkpoint is written: a kill in between makes a resumed run repeat the epoch and log
 * it again (the later record wins), rather than skip its record.
 */
public final class Trainer {
  private final RunSetup run;
  private final List<TrainListener> listeners;

  /** A trainer for a prepared run (see {@link RunSetup#prepare}). */
  public Trainer(RunSetup run, List<TrainListener> listeners) {
    this.run = run;
    this.listeners = List.copyOf(listeners);
  }

  /** Trains the remaining epochs; returns the last epoch's metrics. */
  public Map<String, Object> run() throws IOException {
    TrainConfig cfg = run.config();
    Path out = Path.of(cfg.outputDir());
    Files.createDirectories(out);
    if (run.replicas().rank() == 0) {
      CheckpointFiles.removeStaleTemps(out); // left by a run killed while saving
    }
    int steps = run.trainLoader().batchesPerEpoch();
    TrainListener.RunInfo info =
        new TrainListener.RunInfo(
            run.startEpoch(), steps, run.trainImages(), run.parameterCount(), run.classes().size());
    listeners.forEach(l -> l.onStart(cfg, info));
    Map<String, Object> metrics = Map.of();
    TrainListener.EpochInfo last = null;
    for (int epoch = run.startEpoch(); epoch < cfg.epochs(); epoch++) {
      metrics = trainEpoch(epoch, steps);
      last = new TrainListener.EpochInfo(epoch, cfg.epochs(), metrics);
      for (TrainListener l : listeners) {
        l.onEpoch(last);
      }
      run.saveCheckpoints(epoch);
    }
    if (last != null) {
      for (TrainListener l : listeners) {
        l.onEnd(last);
      }
    }
    return metrics;
  }

  private Map<String, Object> trainEpoch(int epoch, int steps) throws IOException {
    TrainConfig cfg = run.config();
    double lr = run.lrForEpoch(epoch);
    run.optimizer().setLr(lr);
    Classifier model = run.model();
    model.module().train(true);
    long t0 = System.nanoTime();
    double lossSum = 0;
    long images = 0;
    int step = 0;
    try (Loader.EpochIterator it = run.trainLoader().epoch(epoch)) {
      while (it.hasNext()) {
        double loss;
        int b;
        try (PointerScope scope = new PointerScope()) {
          Batch batch = it.next();
          b = batch.size();
          loss = step(batch, epoch, step);
        }
        // loss is the global batch's mean; every rank steps on a batch of b
        images += (long) b * run.replicas().worldSize();
        lossSum += loss * b * run.replicas().worldSize();
        double secs = (System.nanoTime() - t0) / 1e9;
        TrainListener.StepInfo s =
            new TrainListener.StepInfo(epoch, step, steps, loss, lr, images / Math.max(secs, 1e-9));
        for (TrainListener l : listeners) {
          l.onStep(s);
        }
        step++;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("lr", lr);
    m.put("train_loss", images == 0 ? Double.NaN : lossSum / images);
    m.put("epoch_seconds", seconds);
    m.put("images_per_s", images / Math.max(seconds, 1e-9));
    if (run.testLoader() != null && cfg.evaluatesAfter(epoch)) {
      long e0 = System.nanoTime();
      Replicas replicas = run.replicas();
      if (replicas.worldSize() > 1) { // BatchNorm statistics are per rank: evaluate rank 0's
        replicas.broadcast(NamedTensors.buffers(model.module()).values());
      }
      Evaluator.Result r =
          ShardedEval.reduce(
              Evaluator.evaluate(
                  MixedPrecision.classifier(model, cfg.precision()), run.testLoader()),
              replicas);
      m.put("eval_seconds", (System.nanoTime() - e0) / 1e9);
      m.put("test_loss", r.loss());
      m.put("test_top1", r.top1().get("fused"));
      m.put("test_top5", r.top5().get("fused"));
      if (r.top1().containsKey("cls")) {
        m.put("test_top1_cls", r.top1().get("cls"));
        m.put("test_top1_dist", r.top1().get("dist"));
      }
      run.recordTop1(epoch, r.top1().get("fused"));
    }
    m.put("peak_rss_mb", Memory.peakRssMb());
    return m;
  }

  /**
   * One optimizer step; returns the loss value.
   *
   * @throws NonFiniteException if the loss or the global gradient norm is NaN or infinite (then
   *     neither the weights, nor the optimizer state, nor the EMA have changed)
   */
  private double step(Batch batch, int epoch, int step) {
    TrainConfig cfg = run.config();
    Replicas replicas = run.replicas();
    long seed =
        Replicas.rankSeed(
            Loader.sampleSeed(cfg.seed() ^ 0x5DEECE66DL, epoch, step), replicas.rank());
    torch.manual_seed(seed); // drop path and dropout of this step
    Tensor x = batch.images();
    Tensor targets = batch.labels();
    if (run.mixup() != null) {
      Mixup.Result mixed = new Mixup(run.mixup(), MixupDraws.seeded(seed + 1)).apply(x, targets);
      x = mixed.images();
      targets = mixed.targets();
    }
    // bf16: student and teacher forwards under autocast, logits back in fp32 for the loss
    StudentOutputs out = MixedPrecision.classifier(run.model(), cfg.precision()).trainOutputs(x);
    DistillationLoss.Parts parts;
    LogitsModel teacher = MixedPrecision.teacher(run.teacher(), cfg.precision());
    if (teacher != null) {
      parts = run.loss().compute(x, out, targets, teacher); // teacher sees the mixed batch
    } else {
      parts = run.loss().compute(out, targets, null);
    }
    Tensor total = StepFaults.loss(parts.total(), epoch, step);
    // the global mean loss, checked on every rank alike, so all stop together on a NaN
    double loss =
        Guards.requireFinite(
            replicas.mean(total.item_double()), "loss at epoch " + epoch + " step " + step);
    run.optimizer().zeroGrad();
    Collection<Tensor> params = run.optimizer().parameters().values();
    replicas.backward(params, total); // DDP: the gradients come out averaged over the workers
    StepFaults.gradients(params, epoch, step);
    // deit checks only the loss; a NaN/Inf gradient with a finite loss (an overflow in backward)
    // would pass into the weights, so the global norm is checked too (one more host sync per step)
    double gradNorm =
        cfg.clipGrad() != null
            ? Optimizers.clipGradNorm(params, cfg.clipGrad())
            : Optimizers.gradNorm(params);
    Guards.requireFinite(gradNorm, "gradient norm at epoch " + epoch + " step " + step);
    run.optimizer().step();
    if (run.ema() != null) {
      run.ema().update(run.model().module());
    }
    return loss;
  }
}
