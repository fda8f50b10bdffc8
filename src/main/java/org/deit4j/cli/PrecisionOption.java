package org.deit4j.cli;

import org.deit4j.engine.Precision;
import picocli.CommandLine.Option;

/** {@code --dtype fp32|bf16} of the forward-only verbs ({@code eval}, {@code predict}). */
final class PrecisionOption {
  @Option(
      names = "--dtype",
      defaultValue = "fp32",
      paramLabel = "fp32|bf16",
      description = "Forward precision: fp32, or bf16 autocast (default: fp32).")
  String dtype;

  /** The parsed precision; rejects anything but fp32 and bf16. */
  Precision precision() {
    return Precision.parse(dtype);
  }
}
