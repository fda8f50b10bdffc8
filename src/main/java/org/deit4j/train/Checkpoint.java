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
 * in the same folder, fsync, rename) so a crash never leaves a half-written {@code last}.
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

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes the checkpoint atomically. */
  public void save(Path file) throws IOException {
    Map<String, HostTensor> all = new LinkedHashMap<>();
    model.forEach((k, v) -> all.put("model." + k, v));
    ema.forEach((k, v) -> all.put("ema." + k, v));
    optimizer.forEach((k, v) -> all.put("optimizer." + k, v));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT_KEY, "1");
    meta.put("deit4j.config", JSON.writeValueAsString(config));
    meta.put("deit4j.classes", JSON.writeValueAsString(classes.names()));
    meta.put("deit4j.epochs_done", Integer.toString(epochsDone));
    meta.put("deit4j.best_top1", Double.toString(bestTop1));
    meta.put("deit4j.best_epoch", Integer.toString(bestEpoch));
    Safetensors.write(file, all, meta);
  }

  /** Reads a checkpoint written by {@link #save}. */
  public static Checkpoint load(Path file) throws IOException {
    SafetensorsFile f = Safetensors.read(file);
    Map<String, String> meta = f.metadata();
    if (!"1".equals(meta.get(FORMAT_KEY))) {
      throw new IOException(file + " is not a deit4j training checkpoint");
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
      return WeightFiles.detect(file) == WeightFiles.Format.SAFETENSORS
          && "1".equals(Safetensors.read(file).metadata().get(FORMAT_KEY));
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
