package org.deit4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deit4j.distill.DistillationType;
import org.deit4j.train.TrainConfig;

/**
 * The accuracy benchmark "DeiT distillation on Fashion-MNIST-10k" as a plan of training runs, every
 * setting as the benchmark definition fixes it ({@code
 * shared/benchmarks/fashion-mnist-distill.md}): 1,000 training images per class, the full
 * 10,000-image test set, a ViT-FM student (plain or distilled), a RegNetY-400MF teacher with stem
 * stride 1, the {@code deit} and {@code plain} recipes, and grids A (30 epochs, repeated
 * augmentation) and B (100 epochs, none).
 *
 * <p>Settings the definition leaves to the trainer are fixed here and shown in the report: EMA off
 * (the benchmark does not ask for it), 2 loader threads, the timm lr convention, no gradient
 * clipping, and drop path 0 for the teacher (timm's RegNet takes no stochastic depth here; drop
 * path is a student setting in the definition).
 */
public final class FashionMnistBenchmark {
  /** Where the Debian package {@code dataset-fashion-mnist} installs the data. */
  public static final Path DEFAULT_DATA_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The IDX files the benchmark reads. */
  public static final List<String> DATA_FILES =
      List.of(
          "train-images-idx3-ubyte.gz",
          "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz");

  /** Student without distillation token (307,082 parameters). */
  public static final String STUDENT = "vit_fm_patch4_28";

  /** Student with distillation token and {@code head_dist} (307,860 parameters). */
  public static final String DISTILLED_STUDENT = "deit_fm_distilled_patch4_28";

  /** timm's {@code regnety_004}; with {@link #TEACHER_ARGS} 3,907,554 parameters at 10 classes. */
  public static final String TEACHER = "regnety_004";

  /** Stem convolution stride 1 for 28 px inputs. */
  public static final Map<String, String> TEACHER_ARGS = Map.of("stem_stride", "1");

  /** Training images per class (the first ones, in file order). */
  public static final int PER_CLASS = 1000;

  /** Fashion-MNIST mean, replicated to the 3 channels. */
  public static final double[] MEAN = {0.2860, 0.2860, 0.2860};

  /** Fashion-MNIST std, replicated to the 3 channels. */
  public static final double[] STD = {0.3530, 0.3530, 0.3530};

  /** RandAugment of the deit recipe. */
  public static final String RAND_AUGMENT = "rand-m9-mstd0.5-inc1";

  /**
   * The two grids: epochs of every run, repeated augmentation x3 (deit's RASampler, one replica) by
   * default or not, the curve's step (test top-1 every N epochs, and after the last), and the
   * teacher's recipe.
   */
  public enum Grid {
    A(30, true, 10, Recipe.DEIT),
    B(100, false, 20, Recipe.PLAIN);

    private final int epochs;
    private final boolean repeatedAug;
    private final int evalInterval;
    private final Recipe teacherRecipe;

    Grid(int epochs, boolean repeatedAug, int evalInterval, Recipe teacherRecipe) {
      this.epochs = epochs;
      this.repeatedAug = repeatedAug;
      this.evalInterval = evalInterval;
      this.teacherRecipe = teacherRecipe;
    }

    public int epochs() {
      return epochs;
    }

    public boolean repeatedAug() {
      return repeatedAug;
    }

    public int evalInterval() {
      return evalInterval;
    }

    public Recipe teacherRecipe() {
      return teacherRecipe;
    }

    /** Parses {@code A} or {@code B} (case-insensitive). */
    public static Grid parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("--grid must be A or B, got '" + s + "'");
      }
    }
  }

  /** The two recipes of the definition. */
  public enum Recipe {
    /**
     * RandomCrop(28, pad 4) → flip → RandAugment → Normalize → erasing 0.25; Mixup 0.8 / CutMix
     * 1.0, smoothing 0.1 (soft-target CE); drop path 0.1 for the student.
     */
    DEIT,
    /**
     * RandomCrop(28, pad 4) → flip → ColorJitter 0.3 → Normalize; no RandAugment, erasing,
     * Mixup/CutMix, smoothing or drop path.
     */
    PLAIN;

    /** Lower-case name as shown in reports. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Where the benchmark reads and writes, and an optional test-only {@link Shrink}.
   *
   * @param dataDir folder with the Fashion-MNIST IDX files
   * @param outputDir parent of the run folders
   * @param workers loader threads (does not change results)
   * @param shrink null for the benchmark itself
   */
  public record Settings(Path dataDir, Path outputDir, int workers, Shrink shrink) {
    public Settings {
      if (dataDir == null || outputDir == null || workers < 1) {
        throw new IllegalArgumentException("data dir, output dir and workers >= 1 are required");
      }
    }
  }

  private FashionMnistBenchmark() {}

  /**
   * Every run of a grid, teacher first (students distil from its final {@code last.safetensors}).
   */
  public static List<BenchmarkRun> plan(Grid grid, Settings s) {
    List<BenchmarkRun> runs = new ArrayList<>();
    String g = grid.name();
    String teacher = g + "-teacher";
    Recipe tr = grid.teacherRecipe();
    runs.add(
        run(
            grid,
            s,
            teacher,
            "RegNetY-400MF teacher, " + tr.label() + " recipe",
            TEACHER,
            tr,
            grid.repeatedAug(),
            0,
            DistillationType.NONE,
            null));
    if (grid == Grid.A) {
      runs.add(vit(grid, s, "A-vit-s0", "ViT, deit recipe, seed 0", Recipe.DEIT, true, 0));
      runs.add(vit(grid, s, "A-vit-s1", "ViT, deit recipe, seed 1", Recipe.DEIT, true, 1));
      runs.add(
          vit(
              grid,
              s,
              "A-vit-noRA",
              "ViT, deit recipe without repeated aug",
              Recipe.DEIT,
              false,
              0));
      runs.add(vit(grid, s, "A-vit-plain", "ViT, plain recipe", Recipe.PLAIN, true, 0));
      runs.add(deit(grid, s, "A-deit-soft", "DeiT, soft distillation", DistillationType.SOFT, 0));
      runs.add(
          deit(
              grid,
              s,
              "A-deit-hard-s0",
              "DeiT, hard distillation, seed 0",
              DistillationType.HARD,
              0));
      runs.add(
          deit(
              grid,
              s,
              "A-deit-hard-s1",
              "DeiT, hard distillation, seed 1",
              DistillationType.HARD,
              1));
      runs.add(
          run(
              grid,
              s,
              "A-hard-cls",
              "ViT, hard distillation on its class token (hard-cls)",
              STUDENT,
              Recipe.DEIT,
              true,
              0,
              DistillationType.HARD_CLS,
              teacher));
    } else {
      runs.add(vit(grid, s, "B-vit-plain", "ViT, plain recipe", Recipe.PLAIN, false, 0));
      runs.add(vit(grid, s, "B-vit", "ViT, deit recipe", Recipe.DEIT, false, 0));
      runs.add(deit(grid, s, "B-deit-soft", "DeiT, soft distillation", DistillationType.SOFT, 0));
      runs.add(deit(grid, s, "B-deit-hard", "DeiT, hard distillation", DistillationType.HARD, 0));
    }
    return List.copyOf(runs);
  }

  /** Both grids, A then B. */
  public static List<BenchmarkRun> all(Settings s) {
    List<BenchmarkRun> runs = new ArrayList<>(plan(Grid.A, s));
    runs.addAll(plan(Grid.B, s));
    return runs;
  }

  /** Whether every IDX file the benchmark reads is in {@code dataDir}. */
  public static boolean dataPresent(Path dataDir) {
    return DATA_FILES.stream().allMatch(f -> Files.isRegularFile(dataDir.resolve(f)));
  }

  private static BenchmarkRun vit(
      Grid grid, Settings s, String name, String title, Recipe r, boolean ra, long seed) {
    return run(grid, s, name, title, STUDENT, r, ra, seed, DistillationType.NONE, null);
  }

  private static BenchmarkRun deit(
      Grid grid, Settings s, String name, String title, DistillationType type, long seed) {
    return run(
        grid,
        s,
        name,
        title,
        DISTILLED_STUDENT,
        Recipe.DEIT,
        grid.repeatedAug(),
        seed,
        type,
        grid.name() + "-teacher");
  }

  private static BenchmarkRun run(
      Grid grid,
      Settings s,
      String name,
      String title,
      String model,
      Recipe recipe,
      boolean repeatedAug,
      long seed,
      DistillationType distillation,
      String teacherRun) {
    Shrink k = s.shrink();
    boolean deit = recipe == Recipe.DEIT;
    boolean teacher = model.equals(TEACHER);
    String modelName = model;
    Map<String, String> modelArgs = teacher ? TEACHER_ARGS : Map.of();
    String teacherModel = TEACHER;
    if (k != null && k.tiny()) {
      modelName = teacher ? Shrink.TINY_TEACHER : model;
      modelArgs = teacher ? TEACHER_ARGS : Shrink.TINY_STUDENT_ARGS;
      teacherModel = Shrink.TINY_TEACHER;
    }
    boolean distilled = distillation != DistillationType.NONE;
    Path out = s.outputDir().resolve(name);
    return new BenchmarkRun(
        name,
        grid,
        title,
        new TrainConfig(
            modelName,
            modelArgs,
            dataSpec(s.dataDir(), "train", k == null ? PER_CLASS : k.perClassOr(PER_CLASS)),
            dataSpec(s.dataDir(), "t10k", k == null ? null : k.testPerClass()),
            null, // the per-class cut is in the data spec
            28,
            MEAN.clone(),
            STD.clone(),
            k == null ? 256 : k.batchSizeOr(256),
            k == null ? grid.epochs() : k.epochsOr(grid.epochs()),
            1e-3,
            true, // lr 1e-3 as given, not rescaled by batch/512
            0.05,
            null,
            5,
            1e-6,
            1e-5,
            "timm",
            "deit", // RandomCrop(28, pad 4) at <= 32 px, flip, then RandAugment or ColorJitter
            deit ? RAND_AUGMENT : "",
            0.3, // used by the plain recipe only (timm drops ColorJitter under RandAugment)
            deit ? 0.25 : 0.0,
            "pixel",
            deit ? 0.1 : 0.0,
            deit ? 0.8 : 0.0,
            deit ? 1.0 : 0.0,
            1.0,
            0.5,
            repeatedAug,
            deit && !teacher ? 0.1 : 0.0,
            0.0,
            false,
            false, // EMA off: the benchmark does not ask for it
            0.99996,
            distilled ? teacherModel : null,
            distilled ? TEACHER_ARGS : Map.of(),
            distilled
                ? s.outputDir().resolve(teacherRun).resolve("last.safetensors").toString()
                : null,
            distillation,
            0.5,
            1.0,
            null,
            seed,
            s.workers(),
            out.toString(),
            grid.evalInterval(),
            null),
        teacherRun);
  }

  /**
   * {@code idx:DIR:SPLIT[?perClass=N]}; class names follow the folder name, so {@code
   * names=fashion} is added when the folder's name does not say "fashion".
   */
  static String dataSpec(Path dir, String split, Integer perClass) {
    List<String> options = new ArrayList<>();
    if (perClass != null) {
      options.add("perClass=" + perClass);
    }
    if (!dir.toString().toLowerCase(Locale.ROOT).contains("fashion")) {
      options.add("names=fashion");
    }
    return "idx:" + dir + ":" + split + (options.isEmpty() ? "" : "?" + String.join("&", options));
  }
}
