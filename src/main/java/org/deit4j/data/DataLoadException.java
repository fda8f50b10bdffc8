package org.deit4j.data;

/** Loading stopped: a worker failed, or too many images could not be decoded. */
public class DataLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
