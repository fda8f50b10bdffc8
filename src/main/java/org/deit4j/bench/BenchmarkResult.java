package org.deit4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deit4j.io.AtomicFiles;
import org.deit4j.train.TrainConfig;
import org.deit4j.train.report.EpochMetrics;
import org.deit4j.train.report.RunSummary;

/**
 * What a finished benchmark run measured; its {@code result.json} is also the marker that the run
 * is done (a run folder with it is skipped). Accuracies in percent on the test set; epochs 1-based.
 *
 * @param run run name
 * @param grid grid name
 * @param title what the run measures
 * @param parameters trainable parameters of the trained model
 * @param top1 fused top-1 after the last epoch (for a distilled student: mean of both heads)
 * @param top5 fused top-5 after the last epoch
 * @param top1Cls class-token head alone (distilled students; null otherwise)
 * @param top1Dist distillation head alone (distilled students; null otherwise)
 * @param bestTop1 best fused top-1 among the evaluated epochs
 * @param bestEpoch its epoch
 * @param epochs epochs trained
 * @param trainSeconds training time (sum of the logged epochs' training loops, evaluation excluded;
 *     an epoch whose log line an interruption lost is missing from it)
 * @param evalSeconds time spent evaluating the test set
 * @param imagesPerS training throughput over the whole run (images / training seconds)
 * @param peakRssMb peak resident memory of the process while it trained this run, MiB
 * @param curve test top-1 at the evaluated epochs
 * @param command the {@code deit benchmark} command that (re)runs it
 * @param trainCommand the equivalent {@code deit train} command, every setting spelled out
 * @param teacher the teacher checkpoint used (null without distillation)
 * @param machine where it ran ({@link Machine#describe()})
 * @param shrink test-only reduction it ran with; null for a benchmark run
 * @param finishedAt ISO-8601 time the run was recorded
 * @param config the complete configuration
 */
public record BenchmarkResult(
    String run,
    String grid,
    String title,
    long parameters,
    double top1,
    Double top5,
    Double top1Cls,
    Double top1Dist,
    double bestTop1,
    int bestEpoch,
    int epochs,
    double trainSeconds,
    double evalSeconds,
    double imagesPerS,
    Double peakRssMb,
    List<CurvePoint> curve,
    String command,
    String trainCommand,
    TeacherUsed teacher,
    String machine,
    Shrink shrink,
    String finishedAt,
    TrainConfig config) {

  /** File name of the marker/result inside a run folder. */
  public static final String FILE_NAME = "result.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Test accuracy at one evaluated epoch.
   *
   * @param epoch 1-based epoch
   * @param top1 fused top-1
   * @param top1Cls class-token head (distilled students)
   * @param top1Dist distillation head (distilled students)
   */
  public record CurvePoint(int epoch, double top1, Double top1Cls, Double top1Dist) {}

  /**
   * The teacher a student distilled from.
   *
   * @param run teacher run name
   * @param checkpoint path of its {@code best.safetensors}
   * @param sha256 digest of that file when the student started
   * @param top1 the teacher's recorded top-1 (final epoch)
   */
  public record TeacherUsed(String run, String checkpoint, String sha256, double top1) {}

  public BenchmarkResult {
    curve = List.copyOf(curve);
  }

  /** True when this result came from a shrunk (test) run, not the benchmark. */
  public boolean shrunk() {
    return shrink != null;
  }

  /**
   * The figures of a metrics log. The last epoch must have been trained and evaluated.
   *
   * @param run the run
   * @param rows its {@code metrics.jsonl} records (duplicates of a resumed run allowed)
   * @param parameters trainable parameters
   * @param facts the remaining fields: commands, teacher, machine, shrink, time
   */
  public static BenchmarkResult fromMetrics(
      BenchmarkRun run, List<EpochMetrics> rows, long parameters, Facts facts) {
    RunSummary s = RunSummary.of(rows);
    int epochs = run.config().epochs();
    List<EpochMetrics> t = s.timeline();
    EpochMetrics last = t.isEmpty() ? null : t.get(t.size() - 1);
    if (last == null || last.epoch() != epochs - 1 || last.testTop1() == null) {
      throw new IllegalStateException(
          run.name()
              + ": metrics.jsonl does not end with the evaluated epoch "
              + epochs
              + " (was the log deleted or edited?)");
    }
    List<CurvePoint> curve = new ArrayList<>();
    double evalSeconds = 0;
    double images = 0;
    double seconds = 0;
    for (EpochMetrics m : t) {
      if (m.testTop1() != null) {
        curve.add(new CurvePoint(m.epoch() + 1, m.testTop1(), m.testTop1Cls(), m.testTop1Dist()));
      }
      double e = m.value("eval_seconds");
      evalSeconds += Double.isFinite(e) ? e : 0;
      if (m.imagesPerS() != null && m.epochSeconds() != null) {
        images += m.imagesPerS() * m.epochSeconds(); // images trained in the epoch
        seconds += m.epochSeconds();
      }
    }
    RunSummary.Point best = s.max(EpochMetrics.TEST_TOP1).orElseThrow();
    double rss = s.peakRssMb();
    return new BenchmarkResult(
        run.name(),
        run.grid().name(),
        run.title(),
        parameters,
        last.testTop1(),
        last.testTop5(),
        last.testTop1Cls(),
        last.testTop1Dist(),
        best.value(),
        best.epoch() + 1,
        epochs,
        s.totalSeconds(),
        evalSeconds,
        seconds > 0 ? images / seconds : Double.NaN,
        Double.isFinite(rss) ? rss : null,
        curve,
        facts.command(),
        facts.trainCommand(),
        facts.teacher(),
        facts.machine(),
        facts.shrink(),
        facts.finishedAt(),
        run.config());
  }

  /**
   * The fields of a result that do not come from the metrics log.
   *
   * @param command benchmark command
   * @param trainCommand equivalent train command
   * @param teacher teacher used, or null
   * @param machine machine description
   * @param shrink test reduction, or null
   * @param finishedAt ISO-8601 time
   */
  public record Facts(
      String command,
      String trainCommand,
      TeacherUsed teacher,
      String machine,
      Shrink shrink,
      String finishedAt) {}

  /** Writes {@code dir/result.json} atomically (the run counts as finished once it exists). */
  public void write(Path dir) throws IOException {
    AtomicFiles.write(dir.resolve(FILE_NAME), JSON.writeValueAsBytes(this));
  }

  /** Reads a {@code result.json}. */
  public static BenchmarkResult read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), BenchmarkResult.class);
  }
}
