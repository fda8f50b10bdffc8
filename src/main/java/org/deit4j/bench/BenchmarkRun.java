package org.deit4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.deit4j.train.TrainConfig;

/**
 * One row of the benchmark: a stable name, what it measures, the exact training configuration, and
 * the run whose {@code last.safetensors} it distils from.
 *
 * @param name stable identifier, also the run's folder name ({@code A-vit-s0})
 * @param grid the grid the run belongs to
 * @param title what the row measures, for people ("ViT, deit recipe, seed 0")
 * @param config the complete training configuration
 * @param teacherRun name of the teacher run of the same grid, or null without distillation
 */
public record BenchmarkRun(
    String name,
    FashionMnistBenchmark.Grid grid,
    String title,
    TrainConfig config,
    String teacherRun) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public BenchmarkRun {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
      throw new IllegalArgumentException("run name must be [A-Za-z0-9-]+, got " + name);
    }
    if ((teacherRun != null) != config.distilling()) {
      throw new IllegalArgumentException(name + ": a teacher run goes with distillation");
    }
  }

  /** The run's folder ({@link TrainConfig#outputDir()}). */
  public Path dir() {
    return Path.of(config.outputDir());
  }

  /** True for a student that distils from {@link #teacherRun}. */
  public boolean distilled() {
    return teacherRun != null;
  }

  /**
   * Whether {@code other} trains the same thing as this run's configuration: every setting equal
   * except where files live ({@code outputDir}, {@code teacherPath}: the output folder may move)
   * and the loader thread count (the loader's results do not depend on it).
   */
  public boolean sameSettings(TrainConfig other) {
    return settingsJson(config).equals(settingsJson(other));
  }

  /** The settings {@link #sameSettings} compares, as JSON (also shown in mismatch errors). */
  static ObjectNode settingsJson(TrainConfig c) {
    ObjectNode n = JSON.valueToTree(c);
    n.remove("outputDir");
    n.remove("teacherPath");
    n.remove("workers");
    return n;
  }
}
