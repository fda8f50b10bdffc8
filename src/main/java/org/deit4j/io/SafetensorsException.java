package org.deit4j.io;

import java.io.IOException;

/**
 * The one error type for a malformed safetensors file (bad header, bad layout, non-finite values
 * when they are required finite). The message names the file and the problem.
 */
public class SafetensorsException extends IOException {
  private static final long serialVersionUID = 1L;

  public SafetensorsException(String message) {
    super(message);
  }

  public SafetensorsException(String message, Throwable cause) {
    super(message, cause);
  }
}
