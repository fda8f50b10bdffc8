package org.deit4j.train.report;

import static org.deit4j.train.report.EpochMetrics.EPOCH_SECONDS;
import static org.deit4j.train.report.EpochMetrics.IMAGES_PER_S;
import static org.deit4j.train.report.EpochMetrics.LR;
import static org.deit4j.train.report.EpochMetrics.TEST_LOSS;
import static org.deit4j.train.report.EpochMetrics.TEST_TOP1;
import static org.deit4j.train.report.EpochMetrics.TEST_TOP1_CLS;
import static org.deit4j.train.report.EpochMetrics.TEST_TOP1_DIST;
import static org.deit4j.train.report.EpochMetrics.TEST_TOP5;
import static org.deit4j.train.report.EpochMetrics.TRAIN_LOSS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.deit4j.io.AtomicFiles;

/**
 * Turns a run folder's {@code metrics.jsonl} into plots and a short Markdown report: {@value
 * #LOSS_PNG} (train and test loss), {@value #LR_PNG} (learning rate, log scale), {@value #TOP1_PNG}
 * (test top-1 per head of a distilled student, or the single head) and {@value #REPORT_MD} (the
 * facts of the run, final and best figures, time, throughput, memory, the plots). Every file is
 * replaced atomically, so the report can be rewritten after each epoch while someone is reading it.
 */
public final class RunReport {
  /** Loss plot file name. */
  public static final String LOSS_PNG = "loss.png";

  /** Learning-rate plot file name. */
  public static final String LR_PNG = "lr.png";

  /** Top-1 plot file name. */
  public static final String TOP1_PNG = "top1.png";

  /** Report file name. */
  public static final String REPORT_MD = "report.md";

  private static final String NA = "n/a";

  private RunReport() {}

  /**
   * Reads {@code runDir/metrics.jsonl} and writes the three plots and {@code report.md} into {@code
   * runDir}.
   *
   * @param facts what describes the run, shown as a table in the given order (model, teacher,
   *     distillation, epochs, batch size, command line...); the {@code "model"} value, if any,
   *     titles the report
   * @return the path of the report
   * @throws java.nio.file.NoSuchFileException if there is no metrics log in {@code runDir}
   */
  public static Path write(Path runDir, Map<String, String> facts) throws IOException {
    MetricsLog.Contents log = MetricsLog.read(runDir.resolve(MetricsLog.FILE_NAME));
    RunSummary s = RunSummary.of(log.rows());
    double[] x = s.epochs();

    LineChart loss = new LineChart("Loss", "epoch", "cross-entropy loss").integerX(true);
    addIfPresent(loss, s, x, TRAIN_LOSS, TRAIN_LOSS);
    addIfPresent(loss, s, x, TEST_LOSS, TEST_LOSS);
    loss.writePng(runDir.resolve(LOSS_PNG));

    LineChart lr = new LineChart("Learning rate", "epoch", "learning rate (log scale)");
    addIfPresent(lr.integerX(true).logY(true), s, x, LR, LR);
    lr.writePng(runDir.resolve(LR_PNG));

    boolean distilled = s.has(TEST_TOP1_CLS) || s.has(TEST_TOP1_DIST);
    LineChart top1 = new LineChart("Test top-1 accuracy", "epoch", "top-1 (%)").integerX(true);
    addIfPresent(top1, s, x, TEST_TOP1, distilled ? TEST_TOP1 + " (fused cls+dist)" : TEST_TOP1);
    addIfPresent(top1, s, x, TEST_TOP1_CLS, TEST_TOP1_CLS + " (class token)");
    addIfPresent(top1, s, x, TEST_TOP1_DIST, TEST_TOP1_DIST + " (distillation token)");
    top1.writePng(runDir.resolve(TOP1_PNG));

    Path report = runDir.resolve(REPORT_MD);
    AtomicFiles.write(
        report, markdown(s, facts, log.skippedLines()).getBytes(StandardCharsets.UTF_8));
    return report;
  }

  /**
   * Adds the epochs where {@code key} was logged, joined by lines: evaluating every few epochs is
   * common, and a gap at every skipped evaluation would draw a dashed curve.
   */
  private static void addIfPresent(LineChart c, RunSummary s, double[] x, String key, String name) {
    double[] y = s.series(key);
    int[] kept = IntStream.range(0, y.length).filter(i -> Double.isFinite(y[i])).toArray();
    if (kept.length > 0) {
      c.add(
          name,
          IntStream.of(kept).mapToDouble(i -> x[i]).toArray(),
          IntStream.of(kept).mapToDouble(i -> y[i]).toArray());
    }
  }

  /** The report text (Markdown, GitHub flavour). */
  static String markdown(RunSummary s, Map<String, String> facts, List<Integer> skipped) {
    StringBuilder md = new StringBuilder();
    String model = facts.get("model");
    md.append("# Training report").append(model == null ? "" : ": " + inline(model)).append("\n\n");

    md.append("## Run\n\n");
    if (facts.isEmpty()) {
      md.append("No facts were recorded for this run.\n\n");
    } else {
      md.append("| setting | value |\n|---|---|\n");
      facts.forEach(
          (k, v) ->
              md.append("| ")
                  .append(cell(String.valueOf(k)))
                  .append(" | ")
                  .append(code(v))
                  .append(" |\n"));
      md.append('\n');
    }

    md.append("## Results\n\n");
    List<EpochMetrics> t = s.timeline();
    if (t.isEmpty()) {
      md.append("No epoch has been logged yet.\n\n");
    } else {
      Optional<RunSummary.Point> best = s.max(TEST_TOP1);
      md.append(
          best.map(p -> "**Best test top-1: " + pct(p) + "**\n\n")
              .orElse("No test top-1 has been logged.\n\n"));
      md.append("| metric | final | best |\n|---|---|---|\n");
      row(md, "test top-1 (%)", s.last(TEST_TOP1), s.max(TEST_TOP1), "%.2f");
      if (s.has(TEST_TOP1_CLS) || s.has(TEST_TOP1_DIST)) {
        row(md, "test top-1, class head (%)", s.last(TEST_TOP1_CLS), s.max(TEST_TOP1_CLS), "%.2f");
        row(
            md,
            "test top-1, dist. head (%)",
            s.last(TEST_TOP1_DIST),
            s.max(TEST_TOP1_DIST),
            "%.2f");
      }
      row(md, "test top-5 (%)", s.last(TEST_TOP5), s.max(TEST_TOP5), "%.2f");
      row(md, "test loss (best = lowest)", s.last(TEST_LOSS), s.min(TEST_LOSS), "%.4f");
      row(md, "train loss (best = lowest)", s.last(TRAIN_LOSS), s.min(TRAIN_LOSS), "%.4f");
      md.append('\n');
      md.append("- Epochs logged: ").append(t.size());
      md.append(" (epoch ").append(t.get(0).epoch()).append(" to ");
      md.append(t.get(t.size() - 1).epoch()).append(")\n");
      md.append("- Total train time: ").append(duration(s.totalSeconds()));
      md.append(" (sum of `").append(EPOCH_SECONDS).append("`)\n");
      md.append("- Mean throughput: ").append(num(s.meanImagesPerS(), "%.1f", " images/s"));
      md.append(" (mean of `").append(IMAGES_PER_S).append("` over epochs)\n");
      md.append("- Peak RSS: ").append(num(s.peakRssMb(), "%.0f", " MB")).append('\n');
    }
    if (!skipped.isEmpty()) {
      md.append("- Skipped ").append(skipped.size()).append(" unreadable line(s) of `");
      md.append(MetricsLog.FILE_NAME).append("`: ").append(skipped).append('\n');
    }
    md.append('\n');

    md.append("## Curves\n\n");
    md.append("![Loss](").append(LOSS_PNG).append(")\n\n");
    md.append("![Learning rate](").append(LR_PNG).append(")\n\n");
    md.append("![Test top-1](").append(TOP1_PNG).append(")\n");
    return md.toString();
  }

  private static void row(
      StringBuilder md,
      String name,
      Optional<RunSummary.Point> last,
      Optional<RunSummary.Point> best,
      String fmt) {
    if (last.isEmpty() && best.isEmpty()) {
      return;
    }
    md.append("| ").append(name).append(" | ").append(last.map(p -> at(p, fmt)).orElse(NA));
    md.append(" | ").append(best.map(p -> at(p, fmt)).orElse(NA)).append(" |\n");
  }

  private static String at(RunSummary.Point p, String fmt) {
    return num(p.value(), fmt, "") + " (epoch " + p.epoch() + ")";
  }

  private static String pct(RunSummary.Point p) {
    return num(p.value(), "%.2f", " %") + " at epoch " + p.epoch();
  }

  private static String num(double v, String fmt, String unit) {
    if (Double.isNaN(v)) {
      return NA;
    }
    return String.format(Locale.ROOT, fmt, v) + unit;
  }

  /** {@code 3 h 05 min}, {@code 4 min 12 s} or {@code 9.3 s}. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return NA;
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /** Table cell text: a pipe would end the cell, a newline the row. */
  private static String cell(String v) {
    return v.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ");
  }

  /** Text for a heading: only the line structure matters there. */
  private static String inline(String v) {
    return v.replaceAll("\\s*\\R\\s*", " ");
  }

  /**
   * A value as a code span (command lines and model names read verbatim, no emphasis from {@code *}
   * or {@code _}); the fence is longer than any backtick run inside, and pipes are escaped for the
   * table (GitHub unescapes them inside code spans).
   */
  static String code(String v) {
    if (v == null || v.isBlank()) {
      return "";
    }
    String one = v.replaceAll("\\s*\\R\\s*", " ").replace("|", "\\|");
    int run = 0;
    int longest = 0;
    for (char c : one.toCharArray()) {
      run = c == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(longest + 1);
    String pad = one.startsWith("`") || one.endsWith("`") ? " " : "";
    return fence + pad + one + pad + fence;
  }
}
