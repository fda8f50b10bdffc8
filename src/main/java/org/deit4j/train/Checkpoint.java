package org.deit4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deit4j.data.ClassMap;
import org.deit4j.io.HostTensor;
import org.deit4j.io.Safetensors;
import org.deit4j.io.SafetensorsFile;
import org.deit4j.io.WeightFiles;

/**
 * A training checkpoint: one safetensors file holding the model ({@code model.*}), the EMA ({@code
 * ema.*}), the optimizer state ({@code optimizer.*}) and, in the header metadata, the run
 * configuration, class names and position (epochs done, best top-1). Written atomically (temp file
 * in the same folder, fsync, rename) so a crash never leaves a half-written {@code last}, and
 * sealed with a content checksum ({@link CheckpointChecksum}, CRC32C) that {@link #load} verifies,
 * so damage done later (a bad disk, a truncated copy) is refused instead of trained on.
 *
 * <p>All randomness of a step is derived from (seed, epoch, step), so the epoch counter is the
 * whole RNG and sampler state: resuming repeats the interrupted epoch exactly.
 *
 * @param config the run's configuration
 * @param classes class names, index order
 * @param epochsDone completed epochs (the next epoch to run)
 * @param bestTop1 best fused test top-1 so far (NaN if never evaluated)
 * @param bestEpoch epoch of {@code bestTop1} (-1 if none)
 * @param model model tensors by timm key
 * @param ema EMA tensors by key (empty when EMA is off)
 * @param optimizer optimizer state ({@link AdamW#stateDict()})
 */
public record Checkpoint(
    TrainConfig config,
    ClassMap classes,
    int epochsDone,
    double bestTop1,
    int bestEpoch,
    Map<String, HostTensor> model,
    Map<String, HostTensor> ema,
    Map<String, HostTensor> optimizer) {

  /** Metadata key marking a deit4j checkpoint. */
  public static final String FORMAT_KEY = "deit4j.checkpoint";

  /** Format written now: "2" carries a checksum; "1" (before checksums) is still read. */
  private static final String FORMAT = "2";

  private static final String FORMAT_UNCHECKED = "1";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes the checkpoint atomically. */
  public void save(Path file) throws IOException {
    Map<String, HostTensor> all = new LinkedHashMap<>();
    model.forEach((k, v) -> all.put("model." + k, v));
    ema.forEach((k, v) -> all.put("ema." + k, v));
    optimizer.forEach((k, v) -> all.put("optimizer." + k, v));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT_KEY, FORMAT);
    meta.put("deit4j.config", JSON.writeValueAsString(config));
    meta.put("deit4j.classes", JSON.writeValueAsString(classes.names()));
    meta.put("deit4j.epochs_done", Integer.toString(epochsDone));
    meta.put("deit4j.best_top1", Double.toString(bestTop1));
    meta.put("deit4j.best_epoch", Integer.toString(bestEpoch));
    meta.put(CheckpointChecksum.KEY, CheckpointChecksum.of(all, meta));
    Safetensors.write(file, all, meta);
  }

  /**
   * Reads a checkpoint written by {@link #save}, verifying its checksum.
   *
   * @throws IOException if the file is not a deit4j checkpoint, is malformed, or its content does
   *     not match its checksum
   */
  public static Checkpoint load(Path file) throws IOException {
    SafetensorsFile f = Safetensors.read(file);
    Map<String, String> meta = f.metadata();
    String format = meta.get(FORMAT_KEY);
    if (!FORMAT.equals(format) && !FORMAT_UNCHECKED.equals(format)) {
      throw new IOException(file + " is not a deit4j training checkpoint");
    }
    if (FORMAT.equals(format)) {
      verify(file, f);
    }
    TrainConfig cfg = JSON.readValue(meta.get("deit4j.config"), TrainConfig.class);
    List<String> names =
        JSON.readValue(
            meta.get("deit4j.classes"),
            JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    return new Checkpoint(
        cfg,
        new ClassMap(names),
        Integer.parseInt(meta.get("deit4j.epochs_done")),
        Double.parseDouble(meta.get("deit4j.best_top1")),
        Integer.parseInt(meta.get("deit4j.best_epoch")),
        strip(f.tensors(), "model."),
        strip(f.tensors(), "ema."),
        strip(f.tensors(), "optimizer."));
  }

  /** True if {@code file} is a deit4j checkpoint (safetensors with the format marker). */
  public static boolean isCheckpoint(Path file) {
    try {
      if (WeightFiles.detect(file) != WeightFiles.Format.SAFETENSORS) {
        return false;
      }
      String format = Safetensors.read(file).metadata().get(FORMAT_KEY);
      return FORMAT.equals(format) || FORMAT_UNCHECKED.equals(format);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Model weights from any file deit4j accepts: a deit4j checkpoint ({@code model.*}, or {@code
   * ema.*} when {@code preferEma} and present), a safetensors state dict, or a PyTorch {@code
   * .pth}.
   */
  public static Map<String, HostTensor> modelWeights(Path file, boolean preferEma)
      throws IOException {
    if (isCheckpoint(file)) {
      Checkpoint c = load(file);
      return preferEma && !c.ema().isEmpty() ? c.ema() : c.model();
    }
    return WeightFiles.read(file);
  }

  private static void verify(Path file, SafetensorsFile f) throws IOException {
    String stored = f.metadata().get(CheckpointChecksum.KEY);
    if (stored == null) {
      throw new IOException(file + ": damaged checkpoint: its checksum entry is missing");
    }
    String actual = CheckpointChecksum.of(f.tensors(), f.metadata());
    if (!actual.equals(stored)) {
      throw new IOException(
          file
              + ": damaged checkpoint: content checksum "
              + actual
              + " differs from the stored "
              + stored
              + " (crc32c): the file was damaged after it was written");
    }
  }

  private static Map<String, HostTensor> strip(Map<String, HostTensor> all, String prefix) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    all.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }
}
