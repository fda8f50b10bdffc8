package org.deit4j.cli;

/** An error a verb reports to the user as one line, with a chosen exit code. */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code for this error. */
  public int exitCode() {
    return exitCode;
  }
}
