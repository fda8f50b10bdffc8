package org.deit4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deit4j.augment.Image;
import org.deit4j.augment.ImageCodec;
import org.deit4j.augment.Pipeline;
import org.deit4j.augment.PreviewGrid;
import org.deit4j.augment.Recipe;
import org.deit4j.augment.Recipes;
import org.deit4j.augment.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deit augment preview}: a PNG grid of {@code n} augmented samples of a recipe, tiles
 * de-normalised back to RGB, with the random choices (crop, flip, RandAugment ops, erasing) written
 * under each tile.
 */
@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description = "Render a PNG grid of augmented samples with the applied ops under each tile.")
public final class AugmentPreviewCommand implements Callable<Integer> {
  @Option(
      names = "--recipe",
      defaultValue = "deit",
      description = "deit, deit3, eval or none (default: ${DEFAULT-VALUE}).")
  String recipe;

  @Option(
      names = "--input",
      required = true,
      description = "An image, or a folder of images (used in name order, cycled).")
  Path input;

  @Option(
      names = "--n",
      defaultValue = "16",
      description = "Number of samples (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--out", required = true, description = "Output PNG grid.")
  Path out;

  @Option(
      names = "--size",
      defaultValue = "224",
      description = "Input size of the recipe (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    if (n <= 0 || n > 1024) {
      throw new CliException(ExitCodes.USAGE, "--n must be in 1..1024: " + n);
    }
    if (size <= 0 || size > 4096) {
      throw new CliException(ExitCodes.USAGE, "--size must be in 1..4096: " + size);
    }
    Recipe r;
    try {
      r = Recipes.named(recipe.toLowerCase(Locale.ROOT), size);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    Pipeline pipeline = r.build();
    List<Path> files = listImages(input);
    List<Image> images = new ArrayList<>();
    for (Path f : files) {
      images.add(readImage(f));
    }
    SplittableRandom base = new SplittableRandom(seed);
    List<PreviewGrid.Tile> tiles = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Trace.Recorder rec = Trace.recorder();
      Image src = images.get(i % images.size());
      float[] chw;
      try {
        chw = pipeline.apply(src, base.split(), rec);
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCodes.INPUT, files.get(i % files.size()).getFileName() + ": " + e.getMessage());
      }
      Image tile = pipeline.normalize().denormalize(chw, size, size);
      String caption = rec.labels().isEmpty() ? "(no random op)" : String.join(", ", rec.labels());
      tiles.add(new PreviewGrid.Tile(tile, caption));
    }
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(PreviewGrid.render(tiles), "png", out.toFile())) {
        throw new IOException("no PNG writer");
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.INPUT, "cannot write " + out + ": " + e.getMessage(), e);
    }
    return ExitCodes.OK;
  }

  private static List<Path> listImages(Path input) {
    if (!Files.exists(input)) {
      throw new CliException(ExitCodes.INPUT, "input not found: " + input);
    }
    if (!Files.isDirectory(input)) {
      return List.of(input);
    }
    try (Stream<Path> s = Files.list(input)) {
      List<Path> files =
          s.filter(Files::isRegularFile)
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .toLowerCase(Locale.ROOT)
                          .matches(".*\\.(png|jpe?g|bmp|gif)$"))
              .sorted()
              .toList();
      if (files.isEmpty()) {
        throw new CliException(ExitCodes.INPUT, "no images (png/jpg/bmp/gif) in " + input);
      }
      return files;
    } catch (IOException e) {
      throw new CliException(ExitCodes.INPUT, "cannot list " + input + ": " + e.getMessage(), e);
    }
  }

  /** Reads an image or fails with an INPUT error. */
  static Image readImage(Path path) {
    try {
      return ImageCodec.read(path);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.INPUT, "input not found: " + path, e);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.INPUT, "cannot read image " + path + ": " + e.getMessage(), e);
    }
  }
}
