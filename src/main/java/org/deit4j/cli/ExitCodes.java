package org.deit4j.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * Exit codes of the {@code deit} command, documented in the README.
 *
 * <ul>
 *   <li>0 success
 *   <li>1 runtime failure (unexpected error)
 *   <li>2 usage error (unknown flag, bad value, bad combination)
 *   <li>3 input/output error (missing/unreadable/invalid file, wrong tensor key or shape; a file
 *       that cannot be written, e.g. on a full disk)
 *   <li>4 training diverged (non-finite loss or gradient)
 *   <li>5 a worker of a distributed job failed: a peer died, hung past the timeout, or could not be
 *       reached
 * </ul>
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int INPUT = 3;
  public static final int DIVERGED = 4;
  public static final int PEER_FAILED = org.deit4j.dist.Launcher.PEER_FAILED;

  private ExitCodes() {}

  /** Maps an exception thrown by a verb to its exit code. */
  public static int forException(Throwable ex) {
    if (ex instanceof CliException c) {
      return c.exitCode();
    }
    if (ex instanceof IllegalArgumentException) {
      return USAGE;
    }
    if (ex instanceof IOException || ex instanceof java.io.UncheckedIOException) {
      return INPUT;
    }
    return FAILURE;
  }

  /** One-line message for an exception. */
  public static String message(Throwable ex) {
    if (ex instanceof java.io.UncheckedIOException u && u.getCause() != null) {
      ex = u.getCause(); // its own message is "java.io.IOException: ..."
    }
    if (ex instanceof NoSuchFileException || ex instanceof FileNotFoundException) {
      return "file not found: " + ex.getMessage();
    }
    String m = ex.getMessage();
    if (m == null || m.isBlank()) {
      m = ex.getClass().getSimpleName();
    }
    return m.replace('\n', ' ');
  }
}
