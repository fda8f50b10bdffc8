package org.deit4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.deit4j.augment.Image;
import org.deit4j.augment.ImageCodec;
import org.deit4j.augment.Interpolation;
import org.deit4j.augment.Normalize;
import org.deit4j.augment.RandAugmentOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deit augment op}: applies one timm RandAugment op at a forced magnitude and sign, as the
 * DeiT training recipe would (fill = ImageNet mean colour).
 */
@Command(
    name = "op",
    mixinStandardHelpOptions = true,
    description = "Apply one RandAugment op (timm name) at a fixed magnitude to an image.")
public final class AugmentOpCommand implements Callable<Integer> {
  @Option(
      names = "--name",
      required = true,
      description = "timm op name, e.g. Rotate, ShearX, TranslateXRel, PosterizeIncreasing.")
  String name;

  @Option(
      names = "--magnitude",
      required = true,
      description = "Magnitude on timm's 0..10 scale (not clipped).")
  double magnitude;

  @Option(names = "--negate", description = "Use the negative sign (signed ops only).")
  boolean negate;

  @Option(
      names = "--interpolation",
      defaultValue = "bicubic",
      description =
          "Geometric ops' filter: bicubic, bilinear or nearest (default: ${DEFAULT-VALUE}).")
  String interpolation;

  @Option(names = "--input", required = true, description = "Input image (PNG, JPEG, ...).")
  Path input;

  @Option(names = "--output", required = true, description = "Output PNG.")
  Path output;

  @Override
  public Integer call() {
    RandAugmentOp op;
    Interpolation filter;
    try {
      op = RandAugmentOp.byTimmName(name);
      filter = Interpolation.parse(interpolation);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE,
          e.getMessage()
              + " (ops: "
              + Arrays.stream(RandAugmentOp.values()).map(RandAugmentOp::timmName).toList()
              + ")");
    }
    if (!Double.isFinite(magnitude) || magnitude < 0) {
      throw new CliException(ExitCodes.USAGE, "--magnitude must be a finite value >= 0");
    }
    if (filter == Interpolation.LANCZOS) {
      throw new CliException(ExitCodes.USAGE, "affine ops support nearest, bilinear, bicubic");
    }
    Image img = AugmentPreviewCommand.readImage(input);
    Image out = op.apply(img, magnitude, negate ? -1 : 1, filter, Normalize.imagenet().meanColor());
    try {
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ImageCodec.writePng(out, output);
    } catch (IOException e) {
      throw new CliException(ExitCodes.INPUT, "cannot write " + output + ": " + e.getMessage(), e);
    }
    return ExitCodes.OK;
  }
}
