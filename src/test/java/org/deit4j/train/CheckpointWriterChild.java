package org.deit4j.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deit4j.data.ClassMap;
import org.deit4j.distill.DistillationType;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;

/**
 * The child process of {@link CheckpointKillTest}: saves checkpoints of a synthetic 4 MiB training
 * state in a loop, as the trainer does ({@code best} every third round, then {@code last}), and
 * prints {@code saving N} before and {@code saved N MILLIS} after each round's saves, until it is
 * killed. Round N's content is a function of N ({@link #checkpoint}), so the parent can check a
 * survivor byte for byte. No libtorch: the JVM starts in a fraction of a second and only the file
 * writing is under test.
 *
 * <p>Arguments: the folder. It continues after the round of the folder's {@code last}, removing the
 * temporary files its killed predecessor left, as {@link Trainer#run} does.
 */
public final class CheckpointWriterChild {
  static final int ROWS = 256;
  static final int COLS = 1024;

  /** Any valid configuration (built directly: picocli would double the child's start-up). */
  static final TrainConfig CONFIG =
      new TrainConfig(
          "deit_tiny_patch16_224",
          Map.of(),
          "synthetic",
          null,
          null,
          null,
          null,
          null,
          64,
          300,
          5e-4,
          false,
          0.05,
          null,
          5,
          1e-6,
          1e-5,
          "timm",
          "deit",
          "rand-m9-mstd0.5-inc1",
          0.3,
          0.25,
          "pixel",
          0.1,
          0.8,
          1.0,
          1.0,
          0.5,
          true,
          0.1,
          0.0,
          false,
          true,
          0.99996,
          "regnety_160",
          Map.of(),
          null,
          DistillationType.NONE,
          0.5,
          1.0,
          null,
          0,
          2,
          "runs/kill",
          null,
          null);

  private CheckpointWriterChild() {}

  /** Entry point, see the class comment. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    CheckpointFiles.removeStaleTemps(dir);
    Path last = dir.resolve(CheckpointFiles.LAST);
    int n = Files.exists(last) ? Checkpoint.load(last).epochsDone() + 1 : 1;
    for (; ; n++) {
      Checkpoint c = checkpoint(n);
      System.out.println("saving " + n);
      System.out.flush();
      long t0 = System.nanoTime();
      if (n % 3 == 0) {
        CheckpointFiles.save(c, dir.resolve(CheckpointFiles.BEST));
      }
      CheckpointFiles.save(c, last);
      System.out.println("saved " + n + " " + (System.nanoTime() - t0) / 1_000_000);
      System.out.flush();
    }
  }

  /** The checkpoint of round {@code n}: every value depends on n and on its position. */
  static Checkpoint checkpoint(int n) {
    Map<String, HostTensor> model = Map.of("blocks.0.mlp.fc1.weight", matrix(n, 0));
    Map<String, HostTensor> ema = Map.of("blocks.0.mlp.fc1.weight", matrix(n, 1));
    Map<String, HostTensor> opt = new LinkedHashMap<>();
    opt.put("state.0.exp_avg", matrix(n, 2));
    opt.put("state.0.exp_avg_sq", matrix(n, 3));
    ByteBuffer step = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
    opt.put("state.0.step", new HostTensor(DType.I64, new long[0], step));
    return new Checkpoint(
        CONFIG, new ClassMap(List.of("a", "b")), n, n, n / 3 * 3 - 1, model, ema, opt);
  }

  private static HostTensor matrix(int n, int k) {
    float[] v = new float[ROWS * COLS];
    for (int i = 0; i < v.length; i++) {
      v[i] = n + k * 0.25f + i * 1e-7f;
    }
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return new HostTensor(DType.F32, new long[] {ROWS, COLS}, b);
  }
}
