package org.deit4j.train;

import java.util.Map;
import org.deit4j.distill.DistillationType;
import org.deit4j.engine.Precision;

/**
 * Everything a training run needs, with facebookresearch/deit {@code main.py} names and defaults.
 * Immutable; validated in the compact constructor. Serialised as JSON inside every checkpoint so a
 * run can be resumed or reproduced.
 *
 * @param model student (or any classifier) name: a ViT preset or a RegNetY preset
 * @param modelArgs timm keyword overrides ({@code --model-args}), e.g. {@code stem_stride=1}
 * @param trainData dataset spec of the training set ({@link org.deit4j.data.DatasetSpec})
 * @param testData dataset spec of the evaluation set (null: no evaluation)
 * @param perClass keep the first N images of each class of the training set (null: all)
 * @param inputSize {@code --input-size}; null = the model's img_size
 * @param mean normalisation mean (null: ImageNet)
 * @param std normalisation std (null: ImageNet)
 * @param batchSize {@code --batch-size} per process (deit default 64)
 * @param epochs {@code --epochs}
 * @param lr base lr ({@code --lr}, 5e-4), scaled by batch/512 unless {@code unscaleLr}
 * @param unscaleLr {@code --unscale-lr}
 * @param weightDecay {@code --weight-decay} (0.05)
 * @param clipGrad {@code --clip-grad} max global norm, null = off
 * @param warmupEpochs {@code --warmup-epochs} (5)
 * @param warmupLr {@code --warmup-lr} (1e-6)
 * @param minLr {@code --min-lr} (1e-5)
 * @param lrConvention {@code timm}: epoch e trains at lr(e) (timm train.py); {@code deit}: one
 *     epoch behind, as deit's main.py steps the scheduler after the epoch
 * @param recipe per-sample train transform: {@code deit}, {@code deit3} or {@code none}
 * @param aa {@code --aa} RandAugment string ("" or "none" = off)
 * @param colorJitter {@code --color-jitter} (used when RandAugment is off)
 * @param reprob {@code --reprob} random-erasing probability
 * @param remode {@code --remode}: pixel, const or rand
 * @param smoothing {@code --smoothing} label smoothing
 * @param mixup {@code --mixup} alpha (0 = off)
 * @param cutmix {@code --cutmix} alpha (0 = off)
 * @param mixupProb {@code --mixup-prob}
 * @param mixupSwitchProb {@code --mixup-switch-prob}
 * @param repeatedAug {@code --repeated-aug} (RASampler, 3 repeats)
 * @param dropPath {@code --drop-path} stochastic depth rate
 * @param drop {@code --drop} dropout rate
 * @param bceLoss {@code --bce-loss} (DeiT-III)
 * @param modelEma {@code --model-ema}
 * @param modelEmaDecay {@code --model-ema-decay} (0.99996)
 * @param teacherModel {@code --teacher-model} (regnety_160)
 * @param teacherArgs keyword overrides for the teacher (e.g. {@code stem_stride=1})
 * @param teacherPath {@code --teacher-path}: weights or a deit4j checkpoint
 * @param distillationType {@code --distillation-type}
 * @param distillationAlpha {@code --distillation-alpha}
 * @param distillationTau {@code --distillation-tau}
 * @param finetune {@code --finetune}: weights to start from (heads dropped if the class count
 *     differs, pos_embed resampled)
 * @param seed {@code --seed}
 * @param workers {@code --num-workers} loader threads
 * @param outputDir {@code --output-dir}
 * @param evalInterval evaluate the test set every N epochs and after the last one ({@code
 *     --eval-interval}, a deit4j addition: deit evaluates every epoch); null = every epoch
 * @param precision {@code --dtype}: fp32, or bf16 autocast for the forward passes of student and
 *     teacher (fp32 master weights and optimizer); null = fp32 (checkpoints written before the
 *     option existed)
 */
public record TrainConfig(
    String model,
    Map<String, String> modelArgs,
    String trainData,
    String testData,
    Integer perClass,
    Integer inputSize,
    double[] mean,
    double[] std,
    int batchSize,
    int epochs,
    double lr,
    boolean unscaleLr,
    double weightDecay,
    Double clipGrad,
    int warmupEpochs,
    double warmupLr,
    double minLr,
    String lrConvention,
    String recipe,
    String aa,
    double colorJitter,
    double reprob,
    String remode,
    double smoothing,
    double mixup,
    double cutmix,
    double mixupProb,
    double mixupSwitchProb,
    boolean repeatedAug,
    double dropPath,
    double drop,
    boolean bceLoss,
    boolean modelEma,
    double modelEmaDecay,
    String teacherModel,
    Map<String, String> teacherArgs,
    String teacherPath,
    DistillationType distillationType,
    double distillationAlpha,
    double distillationTau,
    String finetune,
    long seed,
    int workers,
    String outputDir,
    Integer evalInterval,
    Precision precision) {

  public TrainConfig {
    modelArgs = modelArgs == null ? Map.of() : Map.copyOf(modelArgs);
    teacherArgs = teacherArgs == null ? Map.of() : Map.copyOf(teacherArgs);
    precision = precision == null ? Precision.FP32 : precision;
    require(model != null && !model.isBlank(), "--model is required");
    require(trainData != null && !trainData.isBlank(), "--data (training set) is required");
    require(perClass == null || perClass > 0, "--per-class must be positive");
    require(inputSize == null || inputSize > 0, "--input-size must be positive");
    require((mean == null) == (std == null), "--mean and --std go together");
    require(mean == null || (mean.length == 3 && std.length == 3), "--mean/--std take 3 values");
    require(batchSize > 0, "--batch-size must be positive");
    require(epochs > 0, "--epochs must be positive");
    require(lr > 0, "--lr must be positive");
    require(weightDecay >= 0, "--weight-decay must be >= 0");
    require(clipGrad == null || clipGrad > 0, "--clip-grad must be positive");
    require(warmupEpochs >= 0, "--warmup-epochs must be >= 0");
    require(warmupLr > 0 && minLr >= 0, "--warmup-lr must be > 0 and --min-lr >= 0");
    require(
        "timm".equals(lrConvention) || "deit".equals(lrConvention),
        "--lr-convention must be timm or deit");
    require(
        java.util.Set.of("deit", "deit3", "none").contains(recipe),
        "--recipe must be deit, deit3 or none");
    require(reprob >= 0 && reprob <= 1, "--reprob must be in [0, 1]");
    require(
        java.util.Set.of("pixel", "const", "rand").contains(remode),
        "--remode must be pixel, const or rand");
    require(smoothing >= 0 && smoothing < 1, "--smoothing must be in [0, 1)");
    require(mixup >= 0 && cutmix >= 0, "--mixup and --cutmix must be >= 0");
    require(mixupProb >= 0 && mixupProb <= 1, "--mixup-prob must be in [0, 1]");
    require(mixupSwitchProb >= 0 && mixupSwitchProb <= 1, "--mixup-switch-prob must be in [0, 1]");
    require(
        !mixupActive(mixup, cutmix, mixupProb) || batchSize % 2 == 0,
        "Mixup/CutMix pair each image with the reversed batch: --batch-size must be even");
    require(
        dropPath >= 0 && dropPath < 1 && drop >= 0 && drop < 1,
        "--drop-path and --drop must be in [0, 1)");
    require(modelEmaDecay > 0 && modelEmaDecay < 1, "--model-ema-decay must be in (0, 1)");
    require(distillationType != null, "--distillation-type is required");
    require(
        distillationAlpha >= 0 && distillationAlpha <= 1, "--distillation-alpha must be in [0, 1]");
    require(distillationTau > 0, "--distillation-tau must be positive");
    require(
        distillationType == DistillationType.NONE || teacherModel != null,
        "distillation needs --teacher-model");
    require(workers > 0, "--num-workers must be positive");
    require(outputDir != null && !outputDir.isBlank(), "--output-dir is required");
    require(evalInterval == null || evalInterval > 0, "--eval-interval must be positive");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static boolean mixupActive(double mixup, double cutmix, double prob) {
    return (mixup > 0 || cutmix > 0) && prob > 0;
  }

  /** True when Mixup or CutMix is applied to training batches. */
  public boolean mixupActive() {
    return mixupActive(mixup, cutmix, mixupProb);
  }

  /** True when a teacher is used. */
  public boolean distilling() {
    return distillationType != DistillationType.NONE;
  }

  /**
   * Whether the test set is evaluated after 0-based {@code epoch}: every {@link #evalInterval}
   * epochs (counted from 1) and always after the last epoch, so a run ends on a measured figure.
   */
  public boolean evaluatesAfter(int epoch) {
    return testData != null
        && (evalInterval == null || (epoch + 1) % evalInterval == 0 || epoch + 1 == epochs);
  }

  /** deit's effective lr: {@code lr * batch / 512} unless {@code --unscale-lr}. */
  public double scaledLr(int worldSize) {
    return CosineSchedule.scaleLr(lr, batchSize, worldSize, unscaleLr);
  }
}
