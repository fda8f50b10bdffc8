package org.deit4j.engine;

import java.util.Locale;

/**
 * Numeric precision of a forward pass, chosen by {@code --dtype}.
 *
 * <p>{@link #BF16} is autocast-style mixed precision (PyTorch's {@code torch.autocast("cpu",
 * dtype=torch.bfloat16)}): weights stay fp32 (the master copy the optimizer updates), and
 * libtorch's CPU autocast casts the inputs of matmul-like ops (linear, conv, bmm, {@code
 * scaled_dot_product_attention}) to bf16, while the residual stream, LayerNorm/BatchNorm
 * statistics, softmax accumulation and the losses stay fp32. See {@link Autocast}.
 */
public enum Precision {
  /** Everything in fp32. */
  FP32("fp32"),
  /** Matmuls and attention in bf16, the rest in fp32, fp32 master weights. */
  BF16("bf16");

  private final String flag;

  Precision(String flag) {
    this.flag = flag;
  }

  /** The {@code --dtype} spelling ({@code fp32}, {@code bf16}). */
  public String flag() {
    return flag;
  }

  @Override
  public String toString() {
    return flag;
  }

  /**
   * Parses a {@code --dtype} value: {@code fp32}/{@code float32}/{@code f32} or {@code bf16}/{@code
   * bfloat16}; {@code null} means fp32.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static Precision parse(String s) {
    if (s == null) {
      return FP32;
    }
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "fp32":
      case "float32":
      case "f32":
        return FP32;
      case "bf16":
      case "bfloat16":
        return BF16;
      default:
        throw new IllegalArgumentException("unknown dtype '" + s + "' (expected fp32 or bf16)");
    }
  }
}
