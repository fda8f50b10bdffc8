package org.deit4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * A live one-line progress bar per epoch (loss, lr, images/s, ETA) and a summary line after each
 * epoch. Redraws at most every {@code 200 ms} when the stream is a terminal; otherwise prints only
 * the epoch summaries (logs stay readable).
 */
public final class ProgressBar implements TrainListener {
  private final PrintStream out;
  private final boolean live;
  private long lastDraw;
  private long epochStart;

  /**
   * @param out where to draw (usually {@code System.err})
   * @param live redraw the bar during the epoch (true on a terminal)
   */
  public ProgressBar(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  @Override
  public void onStart(TrainConfig config, RunInfo info) {
    out.printf(
        Locale.ROOT,
        "training %s on %d images, %d classes, %,d parameters, %d steps/epoch%s%n",
        config.model(),
        info.trainImages(),
        info.classes(),
        info.parameters(),
        info.stepsPerEpoch(),
        config.distilling()
            ? ", distillation "
                + config.distillationType().flag()
                + " from "
                + config.teacherModel()
            : "");
  }

  @Override
  public void onStep(StepInfo s) {
    if (!live) {
      return;
    }
    long now = System.nanoTime();
    if (s.step() == 0) {
      epochStart = now;
    }
    boolean lastStep = s.step() + 1 == s.stepsPerEpoch();
    if (!lastStep && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    int width = 24;
    int done = (int) Math.round(width * (s.step() + 1.0) / Math.max(1, s.stepsPerEpoch()));
    double perStep = (now - epochStart) / 1e9 / (s.step() + 1);
    long eta = Math.round(perStep * (s.stepsPerEpoch() - s.step() - 1));
    out.printf(
        Locale.ROOT,
        "\repoch %3d [%s%s] %d/%d loss %.4f lr %.2e %.0f img/s ETA %d:%02d",
        s.epoch() + 1,
        "=".repeat(done),
        " ".repeat(width - done),
        s.step() + 1,
        s.stepsPerEpoch(),
        s.loss(),
        s.lr(),
        s.imagesPerSecond(),
        eta / 60,
        eta % 60);
    if (lastStep) {
      out.print("\r" + " ".repeat(100) + "\r");
    }
    out.flush();
  }

  @Override
  public void onEpoch(EpochInfo e) {
    Map<String, Object> m = e.metrics();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "epoch %d/%d  loss %.4f  lr %.2e  %.0f img/s  %.1fs",
            e.epoch() + 1,
            e.epochs(),
            num(m, "train_loss"),
            num(m, "lr"),
            num(m, "images_per_s"),
            num(m, "epoch_seconds")));
    if (m.containsKey("test_top1")) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  test top-1 %.2f%%  top-5 %.2f%%",
              num(m, "test_top1"),
              num(m, "test_top5")));
      if (m.containsKey("test_top1_cls")) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  (cls %.2f%%, dist %.2f%%)",
                num(m, "test_top1_cls"),
                num(m, "test_top1_dist")));
      }
    }
    out.println(sb);
    out.flush();
  }

  private static double num(Map<String, Object> m, String k) {
    Object v = m.get(k);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
