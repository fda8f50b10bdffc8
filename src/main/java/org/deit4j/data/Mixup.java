package org.deit4j.data;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) on a whole batch, as timm's {@code Mixup}
 * in {@code mode='batch'} with deit's arguments (DeiT paper section 6 / table 9: mixup 0.8, cutmix
 * 1.0, switch probability 0.5, label smoothing 0.1).
 *
 * <p>Per batch: with probability {@code prob} mix, choosing CutMix with probability {@code
 * switchProb}; draw λ ~ Beta(α, α) with the chosen α. The partner of image {@code i} is image
 * {@code B-1-i} (the batch flipped). Mixup blends {@code x*λ + flip(x)*(1-λ)} in float32; CutMix
 * pastes a box of the flipped batch (timm's {@code rand_bbox}: side {@code int(H*sqrt(1-λ))},
 * centre uniform over the image, clipped) and recomputes λ as the fraction of pixels kept ({@code
 * correct_lam}). Targets are {@code λ*onehot(y) + (1-λ)*onehot(flip(y))} with label smoothing
 * folded in ({@code off = s/K}, {@code on = 1 - s + s/K}, timm's {@code mixup_target}).
 */
public final class Mixup {
  /**
   * timm {@code Mixup} arguments.
   *
   * @param mixupAlpha Beta α for mixup, 0 disables mixup
   * @param cutmixAlpha Beta α for CutMix, 0 disables CutMix
   * @param prob probability of mixing a batch at all ({@code mixup_prob})
   * @param switchProb probability of CutMix when both are enabled ({@code mixup_switch_prob})
   * @param labelSmoothing smoothing {@code s} folded into the targets ({@code smoothing})
   * @param numClasses K
   */
  public record Config(
      double mixupAlpha,
      double cutmixAlpha,
      double prob,
      double switchProb,
      double labelSmoothing,
      int numClasses) {
    public Config {
      if (!(mixupAlpha >= 0) || !(cutmixAlpha >= 0)) {
        throw new IllegalArgumentException("mixup/cutmix alpha must be >= 0");
      }
      if (mixupAlpha == 0 && cutmixAlpha == 0) {
        throw new IllegalArgumentException("at least one of mixupAlpha, cutmixAlpha must be > 0");
      }
      checkProbability("prob", prob);
      checkProbability("switchProb", switchProb);
      checkProbability("labelSmoothing", labelSmoothing);
      if (numClasses < 1) {
        throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
      }
    }

    /** deit's defaults: mixup 0.8, cutmix 1.0, prob 1.0, switch 0.5, smoothing 0.1. */
    public static Config deit(int numClasses) {
      return new Config(0.8, 1.0, 1.0, 0.5, 0.1, numClasses);
    }
  }

  /** A CutMix box, rows {@code [yl, yh)} and columns {@code [xl, xh)}, and the corrected λ. */
  public record Box(int yl, int yh, int xl, int xh, double lam) {}

  /**
   * A mixed batch.
   *
   * @param images the input tensor, mixed in place, (B, C, H, W)
   * @param targets soft targets, float32 (B, K)
   * @param lam the λ used (1 when the batch was left unmixed)
   * @param cutmix true if CutMix was applied
   */
  public record Result(Tensor images, Tensor targets, double lam, boolean cutmix) {}

  private final Config config;
  private final MixupDraws draws;

  /**
   * @param config mixing parameters
   * @param draws source of randomness (e.g. {@link MixupDraws#seeded})
   */
  public Mixup(Config config, MixupDraws draws) {
    this.config = config;
    this.draws = draws;
  }

  /** The parameters. */
  public Config config() {
    return config;
  }

  /**
   * Mixes a batch in place (timm {@code Mixup.__call__}).
   *
   * @param x float images (B, C, H, W), B even; modified in place
   * @param labels class indices (B), any integer dtype
   * @throws IllegalArgumentException if B is odd or shapes disagree
   */
  public Result apply(Tensor x, Tensor labels) {
    checkBatch(x, labels);
    double lam = 1.0;
    boolean useCutmix = false;
    // timm Mixup._params_per_batch: draw order rand, rand (switch), beta.
    if (draws.uniform() < config.prob()) {
      if (config.mixupAlpha() > 0 && config.cutmixAlpha() > 0) {
        useCutmix = draws.uniform() < config.switchProb();
        lam = draws.beta(useCutmix ? config.cutmixAlpha() : config.mixupAlpha());
      } else if (config.mixupAlpha() > 0) {
        lam = draws.beta(config.mixupAlpha());
      } else {
        useCutmix = true;
        lam = draws.beta(config.cutmixAlpha());
      }
    }
    if (lam == 1.0) {
      return new Result(
          x, mixupTarget(labels, config.numClasses(), 1.0, config.labelSmoothing()), 1.0, false);
    }
    if (useCutmix) {
      long h = x.size(2);
      long w = x.size(3);
      // rand_bbox draws the centre row first, then the column.
      int cy = draws.randint((int) h);
      int cx = draws.randint((int) w);
      Box box = cutmixBox((int) h, (int) w, lam, cy, cx);
      pasteFlipped(x, box);
      lam = box.lam();
    } else {
      mixupInPlace(x, lam);
    }
    return new Result(
        x, mixupTarget(labels, config.numClasses(), lam, config.labelSmoothing()), lam, useCutmix);
  }

  /**
   * Mixup with a given λ: {@code x = x*f32(λ) + flip(x)*f32(1-λ)}, evaluated as timm does ({@code
   * x.flip(0).mul_(1-lam)}, then {@code x.mul_(lam).add_(...)}).
   */
  public static void mixupInPlace(Tensor x, double lam) {
    Tensor flipped = x.flip(0).mul_(new Scalar(1.0 - lam)); // (B, C, H, W)
    x.mul_(new Scalar(lam)).add_(flipped);
  }

  /**
   * timm's {@code rand_bbox} for a given centre, plus {@code correct_lam}.
   *
   * @param h image height
   * @param w image width
   * @param lam λ drawn from the Beta distribution
   * @param cy centre row in {@code [0, h)}
   * @param cx centre column in {@code [0, w)}
   */
  public static Box cutmixBox(int h, int w, double lam, int cy, int cx) {
    double ratio = Math.sqrt(1 - lam);
    int cutH = (int) (h * ratio);
    int cutW = (int) (w * ratio);
    int yl = clip(cy - cutH / 2, h);
    int yh = clip(cy + cutH / 2, h);
    int xl = clip(cx - cutW / 2, w);
    int xh = clip(cx + cutW / 2, w);
    double kept = 1.0 - (double) ((yh - yl) * (xh - xl)) / (double) (h * w);
    return new Box(yl, yh, xl, xh, kept);
  }

  private static int clip(int v, int hi) {
    return Math.max(0, Math.min(hi, v));
  }

  /** Replaces {@code box} of every image with the same box of the flipped batch. */
  public static void pasteFlipped(Tensor x, Box box) {
    if (box.yh() <= box.yl() || box.xh() <= box.xl()) {
      return;
    }
    Tensor flipped = x.flip(0); // a copy: no aliasing with x
    long hh = box.yh() - box.yl();
    long ww = box.xh() - box.xl();
    x.narrow(2, box.yl(), hh)
        .narrow(3, box.xl(), ww)
        .copy_(flipped.narrow(2, box.yl(), hh).narrow(3, box.xl(), ww)); // (B, C, hh, ww)
  }

  /**
   * timm {@code mixup_target}: {@code λ*onehot(y) + (1-λ)*onehot(flip(y))} with smoothing, float32
   * (B, K) on the labels' device.
   */
  public static Tensor mixupTarget(Tensor labels, int numClasses, double lam, double smoothing) {
    Tensor y1 = smoothedOneHot(labels, numClasses, smoothing);
    Tensor y2 = smoothedOneHot(labels.flip(0), numClasses, smoothing);
    return y1.mul_(new Scalar(lam)).add_(y2.mul_(new Scalar(1.0 - lam))); // (B, K)
  }

  /**
   * One-hot targets with label smoothing, float32 (B, K): {@code on = 1 - s + s/K} at the label,
   * {@code off = s/K} elsewhere (timm's {@code one_hot(..., on_value, off_value)}; on/off computed
   * in double, stored as float32). For runs without mixup.
   */
  public static Tensor smoothedOneHot(Tensor labels, int numClasses, double smoothing) {
    checkProbability("smoothing", smoothing);
    double off = smoothing / numClasses;
    double on = 1.0 - smoothing + off;
    long b = labels.size(0);
    Tensor idx = labels.to(ScalarType.Long).reshape(b, 1); // (B, 1)
    Tensor t =
        torch.full(
            new long[] {b, numClasses}, new Scalar(off), new TensorOptions(ScalarType.Float));
    if (!labels.device().is_cpu()) {
      t = t.to(labels.device(), ScalarType.Float);
    }
    return t.scatter_(1, idx, new Scalar(on)); // (B, K)
  }

  private static void checkBatch(Tensor x, Tensor labels) {
    if (x.dim() != 4) {
      throw new IllegalArgumentException(
          "mixup expects images (B, C, H, W), got shape " + java.util.Arrays.toString(x.shape()));
    }
    long b = x.size(0);
    if (labels.dim() != 1 || labels.size(0) != b) {
      throw new IllegalArgumentException(
          "labels must be (B) = (" + b + "), got " + java.util.Arrays.toString(labels.shape()));
    }
    if (b % 2 != 0) {
      throw new IllegalArgumentException(
          "mixup/cutmix pairs image i with image B-1-i and needs an even batch size, got "
              + b
              + " (use drop_last or an even batch size)");
    }
  }

  private static void checkProbability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
    }
  }
}
