package org.deit4j.cli;

import java.io.PrintWriter;
import org.deit4j.engine.NativeLibs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code deit} command line. Each verb is its own class that parses, validates and delegates;
 * errors become one line on stderr and a documented exit code ({@link ExitCodes}).
 */
@Command(
    name = "deit",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "DeiT (data-efficient image transformers) on the JVM: train, distil, evaluate, serve.",
    subcommands = {
      InfoCommand.class,
      ForwardCommand.class,
      TrainCommand.class,
      ConvertCommand.class,
      EvalCommand.class,
      PredictCommand.class,
      DataCommand.class,
      AugmentCommand.class,
      QuickstartCommand.class,
      BenchmarkCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the configured command line (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setOverwrittenOptionsAllowed(true); // a later flag wins, as in deit's argparse
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          boolean verbose = parseResult.hasMatchedOption("--verbose");
          PrintWriter err = commandLine.getErr();
          if (verbose) {
            ex.printStackTrace(err);
          }
          err.println("deit: " + ExitCodes.message(ex));
          err.flush();
          return ExitCodes.forException(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("deit: " + ex.getMessage());
          err.println("Try 'deit " + commandPath(ex.getCommandLine()) + "--help' for usage.");
          err.flush();
          return ExitCodes.USAGE;
        });
    return cl;
  }

  private static String commandPath(CommandLine cl) {
    StringBuilder sb = new StringBuilder();
    for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) {
      sb.insert(0, c.getCommandName() + " ");
    }
    return sb.toString();
  }

  /** Entry point. */
  public static void main(String[] args) {
    // Before any verb can touch an org.bytedeco.pytorch class (a NoGradGuard, say): the first load
    // from a cold native cache must happen in NativeLibs' throw-away child JVM, never here. A verb
    // that created a guard before calling Engine.init() crashed CI's cold-cache run once.
    NativeLibs.ensureExtracted();
    System.exit(commandLine().execute(args));
  }

  /** Version string from the jar manifest, if any. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "deit4j "
            + (v == null ? "dev" : v)
            + " (engine "
            + org.deit4j.engine.NativeLibs.ENGINE_VERSION
            + ")"
      };
    }
  }
}
