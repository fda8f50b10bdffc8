package org.deit4j.train.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deit4j.train.TrainConfig;
import org.deit4j.train.TrainListener;

/**
 * Writes {@code metrics.jsonl} after every epoch and, at the end of the run, the PNG plots and
 * {@code report.md} ({@link RunReport}).
 */
public final class ReportListener implements TrainListener {
  private final Path runDir;
  private final Map<String, String> facts = new LinkedHashMap<>();

  /**
   * @param runDir the run's output folder
   * @param extraFacts additional rows for the report (e.g. the command line)
   */
  public ReportListener(Path runDir, Map<String, String> extraFacts) {
    this.runDir = runDir;
    this.facts.putAll(extraFacts);
  }

  @Override
  public void onStart(TrainConfig c, RunInfo info) {
    facts.putIfAbsent("model", c.model());
    facts.put("training images", Integer.toString(info.trainImages()));
    facts.put("classes", Integer.toString(info.classes()));
    facts.put("parameters", String.format("%,d", info.parameters()));
    facts.put("epochs", Integer.toString(c.epochs()));
    facts.put("batch size", Integer.toString(c.batchSize()));
    facts.put("lr (scaled)", String.format("%.3g", c.scaledLr(1)));
    facts.put(
        "recipe",
        c.recipe()
            + (c.aa().isEmpty() ? "" : ", " + c.aa())
            + (c.mixupActive() ? ", mixup " + c.mixup() + " / cutmix " + c.cutmix() : "")
            + (c.repeatedAug() ? ", repeated aug x3" : ""));
    facts.put(
        "distillation",
        c.distilling()
            ? c.distillationType().flag()
                + " from "
                + c.teacherModel()
                + " (alpha "
                + c.distillationAlpha()
                + ", tau "
                + c.distillationTau()
                + ")"
            : "none");
    facts.put("seed", Long.toString(c.seed()));
  }

  @Override
  public void onEpoch(EpochInfo e) {
    try {
      MetricsLog.append(runDir.resolve(MetricsLog.FILE_NAME), e.metrics());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  @Override
  public void onEnd(EpochInfo last) {
    try {
      RunReport.write(runDir, facts);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
