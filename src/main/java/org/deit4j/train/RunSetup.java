package org.deit4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.data.ClassMap;
import org.deit4j.data.Dataset;
import org.deit4j.data.DatasetSpec;
import org.deit4j.data.Loader;
import org.deit4j.data.Mixup;
import org.deit4j.data.SubsetDataset;
import org.deit4j.dist.Replicas;
import org.deit4j.distill.DistillationLoss;
import org.deit4j.engine.NamedTensors;
import org.deit4j.io.HostTensor;
import org.deit4j.io.StateDict;
import org.deit4j.model.PosEmbed;
import org.deit4j.model.VisionTransformer;
import org.deit4j.model.VitWeights;
import org.deit4j.teacher.LogitsModel;
import org.deit4j.teacher.Teacher;

/**
 * Everything a run needs, built from a {@link TrainConfig}: data, loaders, model, teacher, loss,
 * optimizer, schedule, EMA, and the resume position. Owns checkpoint writing ({@code last} every
 * epoch, {@code best} on a new best top-1).
 */
public final class RunSetup implements AutoCloseable {
  private final TrainConfig config;
  private final Replicas replicas;
  private final ClassMap classes;
  private final int trainImages;
  private final Loader trainLoader;
  private final Loader testLoader;
  private final Classifier model;
  private final LogitsModel teacher;
  private final DistillationLoss loss;
  private final Mixup.Config mixup;
  private final AdamW optimizer;
  private final CosineSchedule schedule;
  private final ModelEma ema;
  private int startEpoch;
  private double bestTop1 = Double.NaN;
  private int bestEpoch = -1;

  private RunSetup(TrainConfig config, Checkpoint resume, Replicas replicas) throws IOException {
    this.config = config;
    this.replicas = replicas;
    int world = replicas.worldSize();
    int rank = replicas.rank();
    Dataset train = DatasetSpec.parse(config.trainData()).open();
    if (config.perClass() != null) {
      train = SubsetDataset.perClass(train, config.perClass());
    }
    classes = train.classes();
    trainImages = train.size();
    int k = classes.size();
    torch.manual_seed(config.seed()); // initial weights depend on the seed only
    model = Models.create(config.model(), config.modelArgs(), k, config.dropPath(), config.drop());
    int size = inputSize(config, model);
    trainLoader = RunLoaders.train(config, train, size, world, rank);
    testLoader = RunLoaders.test(config, size, world, rank);
    if (config.finetune() != null) {
      loadWeights(model, Checkpoint.modelWeights(Path.of(config.finetune()), false), false);
    }
    if (world > 1) { // DDP's start: every rank begins with rank 0's weights (before the EMA copies)
      replicas.broadcast(NamedTensors.stateDict(model.module()).values());
    }
    teacher = config.distilling() ? buildTeacher(config, k) : null;
    loss =
        new DistillationLoss(
            Losses.forDeit(config.mixupActive(), config.smoothing(), config.bceLoss()),
            config.distillationType(),
            config.distillationAlpha(),
            config.distillationTau());
    mixup =
        config.mixupActive()
            ? new Mixup.Config(
                config.mixup(),
                config.cutmix(),
                config.mixupProb(),
                config.mixupSwitchProb(),
                config.smoothing(),
                k)
            : null;
    optimizer = Optimizers.deitAdamW(model.module(), config.scaledLr(world), config.weightDecay());
    schedule =
        new CosineSchedule(
            config.scaledLr(world),
            config.epochs(),
            config.minLr(),
            config.warmupEpochs(),
            config.warmupLr(),
            CosineSchedule.DEIT_COOLDOWN_EPOCHS);
    ema = config.modelEma() ? new ModelEma(model.module(), config.modelEmaDecay()) : null;
    if (resume != null) {
      loadWeights(model, resume.model(), true);
      optimizer.loadStateDict(resume.optimizer());
      if (ema != null && !resume.ema().isEmpty()) {
        ema.loadStateDict(resume.ema());
      }
      startEpoch = resume.epochsDone();
      bestTop1 = resume.bestTop1();
      bestEpoch = resume.bestEpoch();
    }
  }

  /**
   * Builds a run. With {@code resume}, the checkpoint's configuration is used (its epochs may be
   * raised by {@code config}) and training continues after its last completed epoch.
   */
  public static RunSetup prepare(TrainConfig config, Path resume) throws IOException {
    return prepare(config, resume, Replicas.single());
  }

  /**
   * {@link #prepare(TrainConfig, Path)} as one of several data-parallel workers: this rank's share
   * of the training set and of the test set, lr scaled by the global batch, rank 0's weights.
   */
  public static RunSetup prepare(TrainConfig config, Path resume, Replicas replicas)
      throws IOException {
    return new RunSetup(config, resume == null ? null : Checkpoint.load(resume), replicas);
  }

  private static int inputSize(TrainConfig c, Classifier model) {
    if (model.module() instanceof VisionTransformer v) {
      if (c.inputSize() != null && c.inputSize() != v.config().imgSize()) {
        throw new IllegalArgumentException(
            "--input-size "
                + c.inputSize()
                + " differs from the model's img_size "
                + v.config().imgSize()
                + " (set --model-args img_size="
                + c.inputSize()
                + ")");
      }
      return v.config().imgSize();
    }
    if (c.inputSize() == null) {
      throw new IllegalArgumentException("--input-size is required for " + c.model());
    }
    return c.inputSize();
  }

  static void loadWeights(Classifier model, Map<String, HostTensor> weights, boolean strict) {
    if (model.module() instanceof VisionTransformer v) {
      VitWeights.load(v, weights, strict, PosEmbed.Interpolation.BICUBIC_ANTIALIAS);
    } else {
      StateDict.load(model.module(), weights, strict, k -> k.startsWith("head."));
    }
  }

  private static LogitsModel buildTeacher(TrainConfig c, int k) throws IOException {
    // With a weights file the strict load below replaces every tensor: no random init first.
    Classifier t =
        Models.create(c.teacherModel(), c.teacherArgs(), k, 0, 0, c.teacherPath() == null);
    if (c.teacherPath() != null) {
      loadWeights(t, Checkpoint.modelWeights(Path.of(c.teacherPath()), false), true);
    }
    return Teacher.of(t.module(), images -> t.evalHeads(images).get("fused"));
  }

  /** The lr epoch {@code e} trains at, by the configured convention. */
  public double lrForEpoch(int e) {
    return "deit".equals(config.lrConvention())
        ? schedule.lrForEpochDeit(e)
        : schedule.lrForEpochTimm(e);
  }

  /** Remembers the best fused top-1. */
  void recordTop1(int epoch, double top1) {
    if (Double.isNaN(bestTop1) || top1 > bestTop1) {
      bestTop1 = top1;
      bestEpoch = epoch;
      bestChanged = true;
    }
  }

  private boolean bestChanged;

  /**
   * Writes {@code best.safetensors} on a new best top-1, then {@code last.safetensors} ({@link
   * CheckpointFiles#save}).
   *
   * <p>Best first: {@code last} records which epoch is best, so it must never reach the disk before
   * that epoch's {@code best}. Killed between the two, a run resumes from the previous {@code
   * last}, repeats the epoch bit for bit and writes the same {@code best} again; in the other order
   * the resumed run would trust a best it never saved and keep the older file.
   */
  void saveCheckpoints(int epoch) throws IOException {
    if (replicas.rank() != 0) { // every rank holds the same state; one writes it
      bestChanged = false;
      return;
    }
    Checkpoint c =
        new Checkpoint(
            config,
            classes,
            epoch + 1,
            bestTop1,
            bestEpoch,
            StateDict.save(model.module()),
            ema == null ? Map.of() : ema.stateDict(),
            optimizer.stateDict());
    Path dir = Path.of(config.outputDir());
    if (bestChanged) {
      CheckpointFiles.save(c, dir.resolve(CheckpointFiles.BEST));
      bestChanged = false;
    }
    CheckpointFiles.save(c, dir.resolve(CheckpointFiles.LAST));
  }

  public TrainConfig config() {
    return config;
  }

  /** The data-parallel workers of this run ({@link Replicas#single()} for one process). */
  public Replicas replicas() {
    return replicas;
  }

  public ClassMap classes() {
    return classes;
  }

  public int trainImages() {
    return trainImages;
  }

  public Loader trainLoader() {
    return trainLoader;
  }

  /** The evaluation loader, or null when no test set is configured. */
  public Loader testLoader() {
    return testLoader;
  }

  public Classifier model() {
    return model;
  }

  /** The frozen teacher, or null without distillation. */
  public LogitsModel teacher() {
    return teacher;
  }

  public DistillationLoss loss() {
    return loss;
  }

  /** Mixup settings, or null when Mixup/CutMix is off. */
  public Mixup.Config mixup() {
    return mixup;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  /** The EMA, or null when off. */
  public ModelEma ema() {
    return ema;
  }

  public int startEpoch() {
    return startEpoch;
  }

  public double bestTop1() {
    return bestTop1;
  }

  public int bestEpoch() {
    return bestEpoch;
  }

  /** Trainable parameters of the model. */
  public long parameterCount() {
    long n = 0;
    for (var t : optimizer.parameters().values()) {
      n += t.numel();
    }
    return n;
  }

  @Override
  public void close() {
    trainLoader.close();
    if (testLoader != null) {
      testLoader.close();
    }
    optimizer.close();
    if (ema != null) {
      ema.close();
    }
  }
}
