package org.deit4j.io;

import java.io.IOException;

/**
 * A {@code .pth} checkpoint that cannot be read: not a torch zip archive, a malformed or
 * unsupported pickle, a storage record that does not match its declaration, or a structure other
 * than the one asked for (e.g. no state dict). Disallowed pickle globals are reported as {@link
 * UnsafePickleException} instead.
 */
public class PthException extends IOException {
  private static final long serialVersionUID = 1L;

  public PthException(String message) {
    super(message);
  }

  public PthException(String message, Throwable cause) {
    super(message, cause);
  }
}
