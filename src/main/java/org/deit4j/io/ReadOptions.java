package org.deit4j.io;

/**
 * Options for {@link Safetensors#read(java.nio.file.Path, ReadOptions)}.
 *
 * @param requireFinite reject files whose floating-point tensors hold NaN or infinity
 * @param maxHeaderBytes largest JSON header accepted, in bytes (guards against hostile lengths)
 */
public record ReadOptions(boolean requireFinite, long maxHeaderBytes) {
  /** 100 MB, the limit the reference (Rust) safetensors implementation uses. */
  public static final long DEFAULT_MAX_HEADER_BYTES = 100_000_000L;

  public ReadOptions {
    if (maxHeaderBytes < 2 || maxHeaderBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxHeaderBytes out of range: " + maxHeaderBytes);
    }
  }

  /** Accept non-finite values, 100 MB header limit. */
  public static ReadOptions defaults() {
    return new ReadOptions(false, DEFAULT_MAX_HEADER_BYTES);
  }

  /** A copy that rejects NaN/Inf. */
  public ReadOptions withRequireFinite(boolean v) {
    return new ReadOptions(v, maxHeaderBytes);
  }

  /** A copy with another header limit. */
  public ReadOptions withMaxHeaderBytes(long v) {
    return new ReadOptions(requireFinite, v);
  }
}
