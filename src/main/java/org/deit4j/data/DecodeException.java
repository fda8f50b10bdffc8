package org.deit4j.data;

/**
 * An image that cannot be read or decoded (corrupt, truncated, unsupported format, over the pixel
 * cap). The loader treats it according to its {@link DecodePolicy}; any other exception from a
 * dataset or a transform is a bug and stops the loader.
 */
public class DecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String source;

  /**
   * @param source where the image came from (a path, or "file#index")
   * @param message what went wrong
   * @param cause underlying error, may be null
   */
  public DecodeException(String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.source = source;
  }

  /** Where the image came from. */
  public String source() {
    return source;
  }
}
