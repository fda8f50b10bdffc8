package org.deit4j.train;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.deit4j.engine.Precision;

/**
 * A {@link TrainConfig} written back as the {@code deit train} flags that reproduce it, so a run
 * made by another verb (the benchmark, the quickstart) can be repeated by hand. Every setting is
 * spelled out, defaults included, so the command does not depend on defaults that may change.
 */
public final class TrainFlags {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

  private TrainFlags() {}

  /** The arguments after {@code deit train}, one list element per shell word. */
  public static List<String> toArgs(TrainConfig c) {
    List<String> a = new ArrayList<>();
    flag(a, "--model", c.model());
    if (!c.modelArgs().isEmpty()) {
      flag(a, "--model-args", keyValues(c.modelArgs()));
    }
    flag(a, "--data", c.trainData());
    if (c.testData() != null) {
      flag(a, "--eval-data", c.testData());
    }
    if (c.evalInterval() != null) {
      flag(a, "--eval-interval", Integer.toString(c.evalInterval()));
    }
    if (c.precision() != Precision.FP32) {
      flag(a, "--dtype", c.precision().flag());
    }
    if (c.perClass() != null) {
      flag(a, "--per-class", Integer.toString(c.perClass()));
    }
    if (c.inputSize() != null) {
      flag(a, "--input-size", Integer.toString(c.inputSize()));
    }
    if (c.mean() != null) {
      flag(a, "--mean", numbers(c.mean()));
      flag(a, "--std", numbers(c.std()));
    }
    flag(a, "--batch-size", Integer.toString(c.batchSize()));
    flag(a, "--epochs", Integer.toString(c.epochs()));
    flag(a, "--lr", num(c.lr()));
    if (c.unscaleLr()) {
      a.add("--unscale-lr");
    }
    flag(a, "--weight-decay", num(c.weightDecay()));
    if (c.clipGrad() != null) {
      flag(a, "--clip-grad", num(c.clipGrad()));
    }
    flag(a, "--warmup-epochs", Integer.toString(c.warmupEpochs()));
    flag(a, "--warmup-lr", num(c.warmupLr()));
    flag(a, "--min-lr", num(c.minLr()));
    flag(a, "--lr-convention", c.lrConvention());
    flag(a, "--recipe", c.recipe());
    flag(a, "--aa", c.aa().isEmpty() ? "none" : c.aa());
    flag(a, "--color-jitter", num(c.colorJitter()));
    flag(a, "--reprob", num(c.reprob()));
    flag(a, "--remode", c.remode());
    flag(a, "--smoothing", num(c.smoothing()));
    flag(a, "--mixup", num(c.mixup()));
    flag(a, "--cutmix", num(c.cutmix()));
    flag(a, "--mixup-prob", num(c.mixupProb()));
    flag(a, "--mixup-switch-prob", num(c.mixupSwitchProb()));
    a.add(c.repeatedAug() ? "--repeated-aug" : "--no-repeated-aug");
    flag(a, "--drop-path", num(c.dropPath()));
    flag(a, "--drop", num(c.drop()));
    if (c.bceLoss()) {
      a.add("--bce-loss");
    }
    a.add(c.modelEma() ? "--model-ema" : "--no-model-ema");
    if (c.modelEma()) {
      flag(a, "--model-ema-decay", num(c.modelEmaDecay()));
    }
    flag(a, "--distillation-type", c.distillationType().flag());
    if (c.distilling()) {
      flag(a, "--teacher-model", c.teacherModel());
      if (!c.teacherArgs().isEmpty()) {
        flag(a, "--teacher-args", keyValues(c.teacherArgs()));
      }
      if (c.teacherPath() != null) {
        flag(a, "--teacher-path", c.teacherPath());
      }
      flag(a, "--distillation-alpha", num(c.distillationAlpha()));
      flag(a, "--distillation-tau", num(c.distillationTau()));
    }
    if (c.finetune() != null) {
      flag(a, "--finetune", c.finetune());
    }
    flag(a, "--seed", Long.toString(c.seed()));
    flag(a, "--num-workers", Integer.toString(c.workers()));
    flag(a, "--output-dir", c.outputDir());
    return a;
  }

  /** {@code ./deit train ...} as one shell line, words quoted where the shell would split them. */
  public static String commandLine(TrainConfig c) {
    List<String> words = new ArrayList<>(List.of("./deit", "train"));
    words.addAll(toArgs(c));
    return shellJoin(words);
  }

  /** Joins words into a POSIX shell line, single-quoting any word with special characters. */
  public static String shellJoin(List<String> words) {
    return words.stream().map(TrainFlags::quote).collect(Collectors.joining(" "));
  }

  private static String quote(String w) {
    if (SHELL_SAFE.matcher(w).matches()) {
      return w;
    }
    return "'" + w.replace("'", "'\\''") + "'";
  }

  private static void flag(List<String> a, String name, String value) {
    a.add(name);
    a.add(value);
  }

  private static String keyValues(Map<String, String> m) {
    return new TreeMap<>(m)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  private static String numbers(double[] v) {
    return Arrays.stream(v).mapToObj(TrainFlags::num).collect(Collectors.joining(","));
  }

  /**
   * The shortest decimal that parses back to exactly {@code d} ({@link Double#toString} digits),
   * without exponent or trailing zeros: 0.001, 0.000001, 5, 0.05.
   */
  static String num(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
