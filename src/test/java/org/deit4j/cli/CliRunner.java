package org.deit4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code deit} in-process and captures exit code, stdout and stderr. */
public record CliRunner(int code, String out, String err) {
  /** Executes the full command line with these arguments. */
  public static CliRunner run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new CliRunner(code, out.toString(), err.toString());
  }
}
