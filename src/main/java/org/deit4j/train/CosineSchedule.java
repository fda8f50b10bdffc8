package org.deit4j.train;

/**
 * Per-epoch learning rate: timm {@code CosineLRScheduler} as deit configures it through {@code
 * create_scheduler} ({@code t_in_epochs=True}, one cycle, {@code warmup_prefix=False}, no noise,
 * {@code k_decay=1}), all in double precision.
 *
 * <pre>
 *   t &lt; warmupT:         warmupLrInit + t * (lr - warmupLrInit) / warmupT
 *   warmupT &lt;= t &lt; tInit: lrMin + 0.5 * (lr - lrMin) * (1 + cos(pi * t / tInit))   (t NOT shifted)
 *   t &gt;= tInit:          lrMin  (the "cooldown" epochs of timm's train.py run here)
 * </pre>
 *
 * <p>Two conventions exist for which value an epoch trains at; see {@link #lrForEpochDeit} and
 * {@link #lrForEpochTimm}.
 *
 * @param lr peak learning rate (already scaled, see {@link #scaleLr})
 * @param tInitial cycle length in epochs (deit: {@code --epochs})
 * @param lrMin floor (deit {@code --min-lr}, 1e-5)
 * @param warmupT warmup epochs (deit {@code --warmup-epochs}, 5)
 * @param warmupLrInit warmup start (deit {@code --warmup-lr}, 1e-6)
 * @param cooldownEpochs extra epochs at {@code lrMin} that timm's train.py runs (deit {@code
 *     --cooldown-epochs}, 10; deit's main.py ignores them)
 */
public record CosineSchedule(
    double lr, int tInitial, double lrMin, int warmupT, double warmupLrInit, int cooldownEpochs) {

  /** deit main.py defaults: warmup 5 epochs from 1e-6, min 1e-5, cooldown 10. */
  public static final int DEIT_WARMUP_EPOCHS = 5;

  /** deit {@code --warmup-lr}. */
  public static final double DEIT_WARMUP_LR = 1e-6;

  /** deit {@code --min-lr}. */
  public static final double DEIT_MIN_LR = 1e-5;

  /** deit {@code --cooldown-epochs}. */
  public static final int DEIT_COOLDOWN_EPOCHS = 10;

  /** Reference batch size of the linear scaling rule (deit main.py: {@code / 512.0}). */
  public static final int LR_SCALE_REFERENCE_BATCH = 512;

  public CosineSchedule {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr must be > 0, got " + lr);
    }
    if (tInitial < 1) {
      throw new IllegalArgumentException("epochs (t_initial) must be >= 1, got " + tInitial);
    }
    if (!(lrMin >= 0) || !(warmupLrInit >= 0)) {
      throw new IllegalArgumentException(
          "min_lr and warmup_lr must be >= 0, got " + lrMin + ", " + warmupLrInit);
    }
    if (warmupT < 0 || cooldownEpochs < 0) {
      throw new IllegalArgumentException(
          "warmup and cooldown epochs must be >= 0, got " + warmupT + ", " + cooldownEpochs);
    }
  }

  /** deit's schedule for a (scaled) peak lr and {@code --epochs}. */
  public static CosineSchedule deit(double lr, int epochs) {
    return new CosineSchedule(
        lr, epochs, DEIT_MIN_LR, DEIT_WARMUP_EPOCHS, DEIT_WARMUP_LR, DEIT_COOLDOWN_EPOCHS);
  }

  /**
   * deit's linear scaling rule: {@code lr * batchSize * worldSize / 512} (main.py; paper Section 6:
   * lr = 5e-4 * B/512). With {@code unscaleLr} (deit {@code --unscale-lr}) the lr is returned as
   * is.
   *
   * @param batchSize per-process batch size
   * @param worldSize number of processes
   */
  public static double scaleLr(double lr, int batchSize, int worldSize, boolean unscaleLr) {
    if (batchSize < 1 || worldSize < 1) {
      throw new IllegalArgumentException(
          "batch size and world size must be >= 1, got " + batchSize + ", " + worldSize);
    }
    if (unscaleLr) {
      return lr;
    }
    // Same operation order as deit: ((lr * batch) * world) / 512.0.
    return lr * batchSize * worldSize / (double) LR_SCALE_REFERENCE_BATCH;
  }

  /** timm {@code CosineLRScheduler._get_lr(t)}: the lr after {@code scheduler.step(t)}. */
  public double lrAt(int t) {
    if (t < 0) {
      throw new IllegalArgumentException("t must be >= 0, got " + t);
    }
    if (t < warmupT) {
      double warmupStep = (lr - warmupLrInit) / warmupT;
      return warmupLrInit + t * warmupStep;
    }
    // warmup_prefix=False: t is not shifted by the warmup; one cycle (cycle_limit=1).
    if (t >= tInitial) {
      return lrMin;
    }
    // Same operation order as timm; Math.cos reproduced CPython's (glibc) values bit-for-bit on the
    // fixtures, StrictMath.cos (fdlibm) differs by 1 ulp (6e-16 relative).
    return lrMin + 0.5 * (lr - lrMin) * (1 + Math.cos(Math.PI * (double) t / tInitial));
  }

  /**
   * The lr that epoch {@code e} trains at in deit's main.py, which calls {@code
   * lr_scheduler.step(epoch)} <em>after</em> training epoch {@code epoch}: epochs 0 and 1 both use
   * {@code lrAt(0)} (the constructor already set warmupLrInit), epoch {@code e >= 1} uses {@code
   * lrAt(e - 1)}. deit trains {@link #tInitial} epochs.
   */
  public double lrForEpochDeit(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    return epoch == 0 ? lrAfterConstruction() : lrAt(epoch - 1);
  }

  /**
   * The lr that epoch {@code e} trains at in timm's train.py, which calls {@code step(epoch + 1)}
   * after each epoch: epoch {@code e} uses {@code lrAt(e)}; it trains {@link #timmEpochs()} epochs.
   */
  public double lrForEpochTimm(int epoch) {
    return lrAt(epoch);
  }

  /** The lr the scheduler's constructor sets: {@code warmupLrInit} when warming up, else lr(0). */
  public double lrAfterConstruction() {
    return warmupT > 0 ? warmupLrInit : lrAt(0);
  }

  /** Epochs deit's main.py trains ({@code --epochs}; it ignores the cooldown). */
  public int deitEpochs() {
    return tInitial;
  }

  /** Epochs timm's {@code create_scheduler} returns and timm's train.py trains. */
  public int timmEpochs() {
    return tInitial + cooldownEpochs;
  }
}
