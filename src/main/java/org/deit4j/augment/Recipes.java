package org.deit4j.augment;

import java.util.ArrayList;
import java.util.List;

/**
 * The named recipes, with DeiT's defaults.
 *
 * <ul>
 *   <li>{@code deit}: DeiT's train transform ({@code datasets.build_transform} → timm {@code
 *       create_transform}): RandomResizedCrop (or, for inputs {@code <= 32}, RandomCrop(size,
 *       padding 4)), hflip 0.5, RandAugment {@code rand-m9-mstd0.5-inc1} (filled with the mean
 *       colour), ToTensor + Normalize, RandomErasing 0.25 'pixel'. timm turns ColorJitter off
 *       whenever RandAugment is on.
 *   <li>{@code deit3}: DeiT-III 3-Augment ({@code new_data_aug_generator}): RandomResizedCrop
 *       bicubic (or with {@code srcCrop}: Resize + RandomCrop(padding 4, reflect)), hflip 0.5, one
 *       of grayscale / solarize / blur, ColorJitter 0.3, ToTensor + Normalize. No erasing unless
 *       {@code reprob > 0}.
 *   <li>{@code eval}: Resize(floor(size / crop_pct)) + CenterCrop(size) + ToTensor + Normalize; for
 *       {@code size <= 32} only ToTensor + Normalize at the native size.
 *   <li>{@code none}: ToTensor + Normalize; an image not already {@code size x size} is resized to
 *       it (bicubic, aspect not kept) so every sample has one shape.
 * </ul>
 */
public final class Recipes {
  /** DeiT's {@code --aa} default. */
  public static final String DEIT_AA = "rand-m9-mstd0.5-inc1";

  private Recipes() {}

  /** DeiT train defaults at {@code size}. */
  public static Recipe deit(int size) {
    return new Recipe(
        "deit",
        size,
        Normalize.IMAGENET_MEAN,
        Normalize.IMAGENET_STD,
        DEIT_AA,
        0.25,
        RandomErasing.Mode.PIXEL,
        0.5,
        0.3,
        "bicubic",
        0.875,
        false);
  }

  /** DeiT-III 3-Augment defaults at {@code size}. */
  public static Recipe deit3(int size) {
    return new Recipe(
        "deit3",
        size,
        Normalize.IMAGENET_MEAN,
        Normalize.IMAGENET_STD,
        "",
        0.0,
        RandomErasing.Mode.PIXEL,
        0.5,
        0.3,
        "bicubic",
        0.875,
        false);
  }

  /** Eval transform at {@code size} (crop_pct 0.875). */
  public static Recipe eval(int size) {
    return new Recipe(
        "eval",
        size,
        Normalize.IMAGENET_MEAN,
        Normalize.IMAGENET_STD,
        "",
        0.0,
        RandomErasing.Mode.CONST,
        0.0,
        0.0,
        "bicubic",
        0.875,
        false);
  }

  /** Normalisation only at {@code size}. */
  public static Recipe none(int size) {
    return new Recipe(
        "none",
        size,
        Normalize.IMAGENET_MEAN,
        Normalize.IMAGENET_STD,
        "",
        0.0,
        RandomErasing.Mode.CONST,
        0.0,
        0.0,
        "bicubic",
        0.875,
        false);
  }

  /** The defaults of recipe {@code name} at {@code size}. */
  public static Recipe named(String name, int size) {
    return switch (name) {
      case "deit" -> deit(size);
      case "deit3" -> deit3(size);
      case "eval" -> eval(size);
      case "none" -> none(size);
      default ->
          throw new IllegalArgumentException(
              "unknown recipe '" + name + "' (one of " + Recipe.NAMES + ")");
    };
  }

  static Pipeline build(Recipe r) {
    Normalize norm = new Normalize(r.mean(), r.std());
    int size = r.inputSize();
    Interpolation[] filters = Interpolation.choicesFor(r.interpolation());
    // Resizes outside the random train crop use one filter; 'random' falls back to bicubic.
    Interpolation single = filters.length == 1 ? filters[0] : Interpolation.BICUBIC;
    List<ImageTransform> steps = new ArrayList<>();
    boolean train = r.name().equals("deit") || r.name().equals("deit3");
    RandomErasing erasing =
        train && r.reprob() > 0 ? new RandomErasing(r.reprob(), r.remode()) : null;
    switch (r.name()) {
      case "deit" -> {
        if (size <= 32) {
          steps.add(new RandomCrop(size, 4, Geometry.PadMode.CONSTANT));
        } else {
          steps.add(new RandomResizedCrop(size, filters));
        }
        if (r.hflip() > 0) {
          steps.add(new HorizontalFlip(r.hflip()));
        }
        boolean aa = Recipe.hasAutoAugment(r.autoAugment());
        if (aa) {
          steps.add(
              new RandAugment(
                  RandAugmentConfig.parse(r.autoAugment()), norm.meanColor(), filters, 0.45));
        } else if (r.colorJitter() > 0) {
          steps.add(ColorJitter.uniform(r.colorJitter()));
        }
      }
      case "deit3" -> {
        if (r.srcCrop()) {
          steps.add((img, rng, trace) -> Resize.resizeShorter(img, size, single));
          steps.add(new RandomCrop(size, 4, Geometry.PadMode.REFLECT));
        } else {
          steps.add(new RandomResizedCrop(size, filters));
        }
        if (r.hflip() > 0) {
          steps.add(new HorizontalFlip(r.hflip()));
        }
        steps.add(new ThreeAugment());
        if (r.colorJitter() > 0) {
          steps.add(ColorJitter.uniform(r.colorJitter()));
        }
      }
      case "eval" -> {
        if (size > 32) {
          steps.add(new ResizeCenterCrop(size, r.cropPct(), single));
        }
      }
      case "none" ->
          steps.add(
              (img, rng, trace) ->
                  img.width() == size && img.height() == size
                      ? img
                      : Resize.resize(img, size, size, single));
      default -> throw new IllegalStateException(r.name());
    }
    return new Pipeline(steps, norm, erasing, size, size);
  }
}
