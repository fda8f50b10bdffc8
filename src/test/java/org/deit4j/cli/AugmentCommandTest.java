package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.deit4j.augment.Image;
import org.deit4j.augment.ImageCodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code deit augment op|preview} end to end on temp files. */
class AugmentCommandTest {
  @TempDir Path dir;
  private Path synth;
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void copySources() throws IOException {
    synth = dir.resolve("synth.png");
    copy("/augment/sources/synth_64x48.png", synth);
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = AugmentCommandTest.class.getResourceAsStream(resource)) {
      Files.copy(in, to);
    }
  }

  private int run(String... args) {
    CommandLine cl = new CommandLine(new AugmentCommand());
    // What Main's handler does: CliException -> its exit code.
    cl.setExecutionExceptionHandler(
        (ex, c, parse) -> {
          err.write(ExitCodes.message(ex) + "\n");
          return ExitCodes.forException(ex);
        });
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    return cl.execute(args);
  }

  private static Image fixture(String rel) throws IOException {
    try (InputStream in = AugmentCommandTest.class.getResourceAsStream("/augment/" + rel)) {
      return ImageCodec.fromBufferedImage(ImageIO.read(in));
    }
  }

  @Test
  void opReproducesTimmFixture() throws IOException {
    Path out = dir.resolve("sub/out.png");
    int rc =
        run(
            "op",
            "--name",
            "Rotate",
            "--magnitude",
            "9",
            "--negate",
            "--input",
            synth.toString(),
            "--output",
            out.toString());
    assertEquals(0, rc, err.toString());
    assertArrayEquals(fixture("A/synth_64x48/Rotate_m9_neg.png").rgb(), ImageCodec.read(out).rgb());

    rc =
        run(
            "op",
            "--name",
            "PosterizeIncreasing",
            "--magnitude",
            "5",
            "--input",
            synth.toString(),
            "--output",
            out.toString());
    assertEquals(0, rc, err.toString());
    assertArrayEquals(
        fixture("A/synth_64x48/PosterizeIncreasing_m5_na.png").rgb(), ImageCodec.read(out).rgb());
  }

  @Test
  void opErrors() {
    Path out = dir.resolve("o.png");
    assertEquals(
        ExitCodes.USAGE,
        run(
            "op",
            "--name",
            "Cutout",
            "--magnitude",
            "9",
            "--input",
            synth.toString(),
            "--output",
            out.toString()));
    assertTrue(err.toString().contains("unknown RandAugment op"), err.toString());
    assertEquals(
        ExitCodes.INPUT,
        run(
            "op",
            "--name",
            "Invert",
            "--magnitude",
            "0",
            "--input",
            dir.resolve("missing.png").toString(),
            "--output",
            out.toString()));
    assertEquals(
        ExitCodes.USAGE,
        run(
            "op",
            "--name",
            "Invert",
            "--magnitude",
            "-1",
            "--input",
            synth.toString(),
            "--output",
            out.toString()));
    assertEquals(ExitCodes.USAGE, run("op", "--name", "Invert")); // missing required options
  }

  @Test
  void previewWritesGrid() throws IOException {
    Path images = Files.createDirectory(dir.resolve("imgs"));
    copy("/augment/sources/synth_64x48.png", images.resolve("a.png"));
    copy("/augment/sources/fmnist_train_0.png", images.resolve("b.png"));
    Path grid = dir.resolve("grid.png");
    int rc =
        run(
            "preview",
            "--recipe",
            "deit",
            "--input",
            images.toString(),
            "--n",
            "4",
            "--out",
            grid.toString(),
            "--size",
            "40",
            "--seed",
            "3");
    assertEquals(0, rc, err.toString());
    BufferedImage bi = ImageIO.read(grid.toFile());
    // 2x2 cells of (40 + 4) wide and (40 + 3 caption lines of 13 + 4) high, plus the outer pad.
    assertEquals(2 * 44 + 4, bi.getWidth());
    assertEquals(2 * 83 + 4, bi.getHeight());

    Path grid2 = dir.resolve("grid2.png");
    assertEquals(
        0,
        run(
            "preview",
            "--recipe",
            "deit",
            "--input",
            images.toString(),
            "--n",
            "4",
            "--out",
            grid2.toString(),
            "--size",
            "40",
            "--seed",
            "3"));
    assertArrayEquals(Files.readAllBytes(grid), Files.readAllBytes(grid2), "deterministic");

    assertEquals(
        0,
        run(
            "preview",
            "--recipe",
            "deit3",
            "--input",
            synth.toString(),
            "--n",
            "3",
            "--out",
            grid.toString(),
            "--size",
            "48"));
    assertEquals(
        0,
        run(
            "preview",
            "--recipe",
            "eval",
            "--input",
            synth.toString(),
            "--n",
            "1",
            "--out",
            grid.toString(),
            "--size",
            "40"));
  }

  @Test
  void previewErrors() throws IOException {
    Path grid = dir.resolve("g.png");
    assertEquals(
        ExitCodes.USAGE,
        run("preview", "--recipe", "mixup", "--input", synth.toString(), "--out", grid.toString()));
    assertEquals(
        ExitCodes.USAGE,
        run("preview", "--input", synth.toString(), "--n", "0", "--out", grid.toString()));
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertEquals(
        ExitCodes.INPUT, run("preview", "--input", empty.toString(), "--out", grid.toString()));
    Path notImage = dir.resolve("x.png");
    Files.writeString(notImage, "not a png");
    assertEquals(
        ExitCodes.INPUT, run("preview", "--input", notImage.toString(), "--out", grid.toString()));
    // eval at <= 32 px keeps the native size: a 64x48 image cannot make 24x24 samples.
    assertEquals(
        ExitCodes.INPUT,
        run(
            "preview",
            "--recipe",
            "eval",
            "--input",
            synth.toString(),
            "--size",
            "24",
            "--out",
            grid.toString()));
  }
}
