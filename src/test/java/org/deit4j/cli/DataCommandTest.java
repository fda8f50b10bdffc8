package org.deit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DataCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    // what Main installs: CliException -> its exit code, message on stderr
    cl.setExecutionExceptionHandler(
        (ex, c, parse) -> {
          c.getErr().println("deit: " + ExitCodes.message(ex));
          c.getErr().flush();
          return ExitCodes.forException(ex);
        });
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private void image(String rel, int w, int h) throws IOException {
    Path f = tmp.resolve(rel);
    Files.createDirectories(f.getParent());
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
  }

  @Test
  void inspectReportsCountsSizesAndFailures() throws IOException {
    image("cat/1.png", 10, 20);
    image("cat/2.png", 10, 20);
    image("dog/1.png", 30, 40);
    Files.write(tmp.resolve("dog/2.png"), new byte[] {1, 2, 3});
    Run r = run("inspect", "folder:" + tmp);
    assertEquals(ExitCodes.INPUT, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("images:  4"), r.out());
    assertTrue(r.out().matches("(?s).*0\\s+cat\\s+2.*1\\s+dog\\s+2.*"), r.out());
    assertTrue(r.out().contains("decoded: 3 of 4"), r.out());
    assertTrue(r.out().contains("width:   min 10  max 30  mean 16.7"), r.out());
    assertTrue(r.out().contains("most common 10x20 (2)"), r.out());
    assertTrue(r.out().contains("failures: 1"), r.out());
    assertTrue(r.out().contains(tmp.resolve("dog/2.png").toString()), r.out());
  }

  @Test
  void limitDecodesOnlyTheFirstImages() throws IOException {
    image("a/1.png", 5, 5);
    image("b/1.png", 5, 5);
    Files.write(tmp.resolve("b/2.png"), new byte[] {1});
    Run r = run("inspect", tmp.toString(), "--limit", "2");
    assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("decoded: 2 of 2"), r.out());
    assertTrue(r.out().contains("failures: 0"), r.out());
  }

  @Test
  void badSpecAndMissingPathAreReported() {
    Run usage = run("inspect", "/x?bogus=1");
    assertEquals(ExitCodes.USAGE, usage.code());
    assertTrue(usage.err().contains("unknown dataset option 'bogus'"), usage.err());
    Run missing = run("inspect", "idx:" + tmp.resolve("nope"));
    assertEquals(ExitCodes.INPUT, missing.code(), missing.err());
    Run negative = run("inspect", tmp.toString(), "--limit", "-1");
    assertEquals(ExitCodes.USAGE, negative.code());
  }
}
