package org.deit4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;
import org.deit4j.io.Safetensors;
import org.deit4j.io.WeightFiles;
import org.deit4j.train.Checkpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deit convert IN.pth OUT.safetensors}: rewrites a PyTorch checkpoint's state dict as
 * safetensors, keys unchanged, without executing any pickle code (see {@link
 * org.deit4j.io.TorchPickle}). Also accepts a safetensors input (e.g. to widen it to F32).
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description =
        "Convert a PyTorch .pth checkpoint (state dict) or a deit4j training checkpoint to a"
            + " safetensors state dict with timm keys, without running pickle code.")
public final class ConvertCommand implements Callable<Integer> {
  /** What to do with floating-point tensors. */
  public enum DTypeChoice {
    /** Keep each tensor's dtype (F16/BF16 stay half precision). */
    keep,
    /** Widen F16/BF16 (and narrow F64) to F32; integer tensors are kept. */
    f32
  }

  @Parameters(index = "0", paramLabel = "IN", description = "Input .pth (or .safetensors) file.")
  Path input;

  @Parameters(index = "1", paramLabel = "OUT", description = "Output .safetensors file.")
  Path output;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description =
          "Checkpoint entry holding the state dict (e.g. model, model_ema; 'ema' for a deit4j"
              + " checkpoint's EMA). Default: the root if it is a state dict, else the first of"
              + " model, state_dict, model_ema.")
  String key;

  @Option(
      names = "--dtype",
      paramLabel = "f32|keep",
      defaultValue = "keep",
      description = "Floating-point dtype of the output: ${COMPLETION-CANDIDATES} (default: keep).")
  DTypeChoice dtype = DTypeChoice.keep;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(input)) {
      throw new CliException(ExitCodes.INPUT, "file not found: " + input);
    }
    Map<String, HostTensor> tensors;
    try {
      // a deit4j checkpoint exports its model (or, with --key ema, its EMA) as a timm state dict
      tensors =
          Checkpoint.isCheckpoint(input)
              ? Checkpoint.modelWeights(input, "ema".equals(key))
              : WeightFiles.read(input, key);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.INPUT, "file not found: " + e.getMessage(), e);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(ExitCodes.INPUT, ExitCodes.message(e), e);
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    long bytes = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor t = dtype == DTypeChoice.f32 ? toF32(e.getValue()) : e.getValue();
      out.put(e.getKey(), t);
      bytes += t.data().remaining();
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt"); // what huggingface tools expect for torch-origin weights
    meta.put("deit4j.converted_from", String.valueOf(input.getFileName()));
    try {
      Safetensors.write(output, out, meta);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.INPUT, "cannot write " + output + ": " + ExitCodes.message(e), e);
    }
    PrintWriter w = spec.commandLine().getOut();
    w.printf("wrote %d tensors (%.1f MB) to %s%n", out.size(), bytes / 1e6, output);
    w.flush();
    return ExitCodes.OK;
  }

  /** Floating tensors as F32 (exact for F16/BF16); other dtypes unchanged. */
  static HostTensor toF32(HostTensor t) {
    if (!t.dtype().isFloating() || t.dtype() == DType.F32) {
      return t;
    }
    return HostTensor.ofFloats(t.toFloats(), t.shape());
  }
}
