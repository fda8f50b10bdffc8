package org.deit4j.train;

import java.util.Map;

/**
 * Observes a training run (progress bars, metrics files, plots, checkpoints' side effects). The
 * trainer itself prints nothing; everything a user sees comes through a listener.
 */
public interface TrainListener {
  /** Called once before the first epoch. */
  default void onStart(TrainConfig config, RunInfo info) {}

  /** Called after every optimizer step. */
  default void onStep(StepInfo step) {}

  /**
   * Called after every epoch, after evaluation and before the epoch's checkpoints are written (so a
   * kill in between repeats the epoch on resume instead of losing its record).
   */
  default void onEpoch(EpochInfo epoch) {}

  /** Called once when the run finishes normally. */
  default void onEnd(EpochInfo last) {}

  /**
   * Facts about the run.
   *
   * @param startEpoch first epoch this process runs (non-zero when resumed)
   * @param stepsPerEpoch optimizer steps per epoch
   * @param trainImages images in the (sub)set
   * @param parameters trainable parameters of the student
   * @param classes class count
   */
  record RunInfo(
      int startEpoch, int stepsPerEpoch, int trainImages, long parameters, int classes) {}

  /**
   * One optimizer step.
   *
   * @param epoch 0-based epoch
   * @param step 0-based step within the epoch
   * @param stepsPerEpoch steps in this epoch
   * @param loss this step's total loss
   * @param lr current lr
   * @param imagesPerSecond throughput over the epoch so far
   */
  record StepInfo(
      int epoch, int step, int stepsPerEpoch, double loss, double lr, double imagesPerSecond) {}

  /**
   * One finished epoch.
   *
   * @param epoch 0-based epoch
   * @param epochs total epochs of the run
   * @param metrics what {@code metrics.jsonl} records for the epoch (train_loss, lr, test_top1,
   *     ...)
   */
  record EpochInfo(int epoch, int epochs, Map<String, Object> metrics) {}
}
