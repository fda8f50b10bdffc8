package org.deit4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deit4j.eval.Evaluator;
import org.deit4j.train.Checkpoint;
import org.deit4j.train.Memory;
import org.deit4j.train.RunSetup;
import org.deit4j.train.TrainConfig;
import org.deit4j.train.TrainFlags;
import org.deit4j.train.TrainListener;
import org.deit4j.train.Trainer;
import org.deit4j.train.report.MetricsLog;
import org.deit4j.train.report.ReportListener;
import org.deit4j.train.report.RunReport;

/**
 * Runs benchmark runs resumably. A run folder holding {@code result.json} is finished and skipped;
 * one holding {@code last.safetensors} resumes after its last completed epoch (bit-exact, see
 * {@link Trainer}); any other starts from scratch. A folder trained with other settings is never
 * mixed in: the checkpoint's or result's configuration must equal the plan's.
 *
 * <p>A distilled student needs its teacher run finished: it distils from the teacher's {@code
 * last.safetensors} (its final weights). This runner does not train a missing teacher on its own;
 * it fails with a message saying which run to do first (the plan orders teachers first, so a whole
 * grid never hits this).
 */
public final class BenchmarkRunner {
  // Also the teacher's weights: its final epoch, not "best", which is picked on the test set.
  private static final String LAST = "last.safetensors";

  /** Progress of a run folder. */
  public enum State {
    /** {@code result.json} present. */
    DONE,
    /** Some epochs trained ({@code last.safetensors} present). */
    PARTIAL,
    /** Nothing trained yet. */
    PENDING
  }

  /**
   * A run's progress.
   *
   * @param state done, partial or pending
   * @param epochsDone epochs completed (from the metrics log; the epochs for a finished run)
   * @param result the result of a finished run, else null
   */
  public record Status(State state, int epochsDone, BenchmarkResult result) {}

  /** How a call to {@link #run} went. */
  public enum Outcome {
    /** Already finished; nothing trained. */
    SKIPPED,
    /** Trained from epoch 0. */
    TRAINED,
    /** Continued from {@code last.safetensors}. */
    RESUMED
  }

  /**
   * What {@link #run} did and the run's result.
   *
   * @param outcome skipped, trained or resumed
   * @param startEpoch first epoch trained by this call (0-based)
   * @param result the finished run's result
   */
  public record Done(Outcome outcome, int startEpoch, BenchmarkResult result) {}

  private final Shrink shrink;

  /**
   * @param shrink the test reduction the plan was made with (recorded in results), or null
   */
  public BenchmarkRunner(Shrink shrink) {
    this.shrink = shrink;
  }

  /** The state of a run's folder. */
  public Status status(BenchmarkRun run) throws IOException {
    Path dir = run.dir();
    Path result = dir.resolve(BenchmarkResult.FILE_NAME);
    if (Files.isRegularFile(result)) {
      BenchmarkResult r = BenchmarkResult.read(result);
      return new Status(State.DONE, r.epochs(), r);
    }
    if (Files.isRegularFile(dir.resolve(LAST))) {
      int epochs = 0;
      Path log = dir.resolve(MetricsLog.FILE_NAME);
      if (Files.isRegularFile(log)) {
        for (var row : MetricsLog.read(log).rows()) {
          if (row.epoch() != null) {
            epochs = Math.max(epochs, row.epoch() + 1);
          }
        }
      }
      return new Status(State.PARTIAL, epochs, null);
    }
    return new Status(State.PENDING, 0, null);
  }

  /**
   * Runs in {@code selection} (from {@code plan}) that distil from a teacher that is neither
   * finished nor trained earlier in the selection, with that teacher's name.
   */
  public Map<String, String> missingTeachers(List<BenchmarkRun> selection) throws IOException {
    Map<String, String> missing = new java.util.LinkedHashMap<>();
    List<String> before = new ArrayList<>();
    for (BenchmarkRun r : selection) {
      if (r.distilled() && !before.contains(r.teacherRun())) {
        Path teacherDir = r.dir().resolveSibling(r.teacherRun());
        if (!Files.isRegularFile(teacherDir.resolve(BenchmarkResult.FILE_NAME))) {
          missing.put(r.name(), r.teacherRun());
        }
      }
      before.add(r.name());
    }
    return missing;
  }

  /**
   * Brings a run to completion: skips it if finished, resumes it if started, else trains it; then
   * writes its {@code result.json}.
   *
   * @param run the run
   * @param listeners extra listeners (progress output); the runner adds the metrics/report writer
   * @param command the {@code deit benchmark} command recorded in the result
   * @throws IllegalStateException if the folder holds a run with other settings, or the teacher has
   *     not finished
   */
  public Done run(BenchmarkRun run, List<TrainListener> listeners, String command)
      throws IOException {
    Path dir = run.dir();
    Path resultFile = dir.resolve(BenchmarkResult.FILE_NAME);
    if (Files.isRegularFile(resultFile)) {
      BenchmarkResult r = BenchmarkResult.read(resultFile);
      requireSame(run, r.config(), resultFile);
      return new Done(Outcome.SKIPPED, r.epochs(), r);
    }
    BenchmarkResult.TeacherUsed teacher = run.distilled() ? teacher(run) : null;
    Path last = dir.resolve(LAST);
    Path resume = null;
    if (Files.isRegularFile(last)) {
      requireSame(run, Checkpoint.load(last).config(), last);
      resume = last;
    } else {
      // A log without a checkpoint belongs to no resumable state (killed during epoch 0).
      Files.deleteIfExists(dir.resolve(MetricsLog.FILE_NAME));
    }
    Files.createDirectories(dir);
    Memory.resetPeak(); // this run's peak, not the previous run's in the same process
    String trainCommand = TrainFlags.commandLine(run.config());
    // The log writer goes first: it appends the epoch right after the trainer's checkpoint, so a
    // failing listener cannot leave a checkpointed epoch out of the log.
    List<TrainListener> all = new ArrayList<>();
    all.add(new ReportListener(dir, Map.of("command", command, "equivalent", trainCommand)));
    all.addAll(listeners);
    long parameters;
    int startEpoch;
    try (RunSetup setup = RunSetup.prepare(run.config(), resume)) {
      startEpoch = setup.startEpoch();
      parameters = setup.parameterCount();
      new Trainer(setup, all).run();
      if (startEpoch >= run.config().epochs()) {
        // Every epoch was trained before an interruption that came before result.json.
        recoverLastEpoch(setup, dir);
        RunReport.write(dir, Map.of("model", run.config().model(), "command", command));
      }
    }
    BenchmarkResult r =
        BenchmarkResult.fromMetrics(
            run,
            MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME)).rows(),
            parameters,
            new BenchmarkResult.Facts(
                command,
                trainCommand,
                teacher,
                Machine.describe(),
                shrink,
                Instant.now().toString()));
    r.write(dir);
    return new Done(resume == null ? Outcome.TRAINED : Outcome.RESUMED, startEpoch, r);
  }

  /**
   * A kill between the last checkpoint and its log line leaves the final epoch unlogged: evaluate
   * the checkpoint's model and log the figures the trainer would have logged.
   */
  private static void recoverLastEpoch(RunSetup setup, Path dir) throws IOException {
    Path log = dir.resolve(MetricsLog.FILE_NAME);
    int last = setup.config().epochs() - 1;
    if (Files.isRegularFile(log)
        && MetricsLog.read(log).rows().stream()
            .anyMatch(m -> m.epoch() != null && m.epoch() == last && m.testTop1() != null)) {
      return;
    }
    Evaluator.Result r = Evaluator.evaluate(setup.model(), setup.testLoader());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", last);
    m.put("test_loss", r.loss());
    m.put("test_top1", r.top1().get("fused"));
    m.put("test_top5", r.top5().get("fused"));
    if (r.top1().containsKey("cls")) {
      m.put("test_top1_cls", r.top1().get("cls"));
      m.put("test_top1_dist", r.top1().get("dist"));
    }
    m.put("recovered", true);
    MetricsLog.append(log, m);
  }

  private static void requireSame(BenchmarkRun run, TrainConfig found, Path where) {
    if (!run.sameSettings(found)) {
      throw new IllegalStateException(
          run.name()
              + ": "
              + where
              + " was trained with other settings than this benchmark run (found "
              + BenchmarkRun.settingsJson(found)
              + "); delete "
              + run.dir()
              + " or choose another --output-dir");
    }
  }

  private static BenchmarkResult.TeacherUsed teacher(BenchmarkRun run) throws IOException {
    Path teacherDir = run.dir().resolveSibling(run.teacherRun());
    Path result = teacherDir.resolve(BenchmarkResult.FILE_NAME);
    Path weights = teacherDir.resolve(LAST);
    if (!Files.isRegularFile(result) || !Files.isRegularFile(weights)) {
      throw new IllegalStateException(
          run.name()
              + " distils from "
              + run.teacherRun()
              + ", which has not finished ("
              + (Files.isRegularFile(result) ? weights : result)
              + " is missing): run "
              + run.teacherRun()
              + " first");
    }
    return new BenchmarkResult.TeacherUsed(
        run.teacherRun(), weights.toString(), sha256(weights), BenchmarkResult.read(result).top1());
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // the stream feeds the digest
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
