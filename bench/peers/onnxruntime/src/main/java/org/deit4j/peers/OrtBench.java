package org.deit4j.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * ONNX Runtime (Java API, CPU) inference throughput on timm DeiT models exported by {@code
 * export_onnx.py}: fp32, a fixed number of intra-op threads, all graph optimisations, warm-up runs,
 * then the median of timed runs per batch size. Prints a table on stderr and one JSON line per
 * (model, batch) on stdout, in the keys of {@code deit bench --json}.
 *
 * <p>Usage: {@code java -cp 'target/peer-onnxruntime.jar:target/lib/*' org.deit4j.peers.OrtBench
 * [--onnx-dir DIR] [--models a,b] [--batches 1,8,32,64] [--threads 2] [--warmup 2] [--runs 5]
 * [--min-seconds 3] [--peak-gflops G] [--spinning default|on|off]}
 */
public final class OrtBench {
  private OrtBench() {}

  /** Parsed command line; every field has the default documented in the class comment. */
  record Options(
      Path onnxDir,
      List<String> models,
      int[] batches,
      int threads,
      int warmup,
      int runs,
      double minSeconds,
      double peakGflops,
      String spinning) {

    Options {
      if (threads < 1 || warmup < 0 || runs < 1 || minSeconds < 0 || batches.length == 0) {
        throw new IllegalArgumentException("threads, runs >= 1; warmup, min-seconds >= 0");
      }
      if (!List.of("default", "on", "off").contains(spinning)) {
        throw new IllegalArgumentException("--spinning must be default, on or off");
      }
    }

    /** The configuration as one line of text, recorded in every JSON line. */
    String settings() {
      return "intra_op_threads="
          + threads
          + " inter_op_threads=1 sequential ALL_OPT spinning="
          + spinning
          + " warmup="
          + warmup
          + " runs>="
          + runs
          + " min_seconds="
          + minSeconds;
    }

    static Options parse(String[] args) {
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --key value, got " + args[i]);
        }
        m.put(args[i].substring(2), args[++i]);
      }
      return new Options(
          Path.of(m.getOrDefault("onnx-dir", "../../../target/peers/onnx")),
          List.of(
              m.getOrDefault(
                      "models",
                      "deit_tiny_patch16_224,deit_small_patch16_224,deit_base_patch16_224")
                  .split(",")),
          Arrays.stream(m.getOrDefault("batches", "1,8,32,64").split(","))
              .mapToInt(Integer::parseInt)
              .toArray(),
          Integer.parseInt(m.getOrDefault("threads", "2")),
          Integer.parseInt(m.getOrDefault("warmup", "2")),
          Integer.parseInt(m.getOrDefault("runs", "5")),
          Double.parseDouble(m.getOrDefault("min-seconds", "3")),
          Double.parseDouble(m.getOrDefault("peak-gflops", "NaN")),
          m.getOrDefault("spinning", "default"));
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args see the class comment
   * @throws Exception on a missing model or an ONNX Runtime failure
   */
  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    String version = env.getVersion();
    PrintStream table = System.err;
    table.printf(
        Locale.ROOT,
        "onnxruntime %s, %d intra-op threads, ALL_OPT, spinning %s%n",
        version,
        o.threads(),
        o.spinning());
    table.printf(
        Locale.ROOT, "%-34s %5s %10s %10s %7s%n", "model", "batch", "img/s", "ms/batch", "runs");
    for (String model : o.models()) {
      Path file = o.onnxDir().resolve(model + ".onnx");
      try (SessionOptions so = sessionOptions(o);
          OrtSession session = env.createSession(file.toString(), so)) {
        double err = checkProbe(env, session, o.onnxDir(), model);
        table.printf(Locale.ROOT, "%s: max |ORT - torch| on the probe = %.2e%n", model, err);
        for (int batch : o.batches()) {
          double[] ms = time(env, session, batch, o);
          double median = median(ms);
          double ips = batch * 1000.0 / median;
          double gflops = VitCost.gflopsPerImage(model);
          double mfu = ips * gflops / o.peakGflops();
          table.printf(
              Locale.ROOT, "%-34s %5d %10.2f %10.1f %7d%n", model, batch, ips, median, ms.length);
          System.out.println(
              Json.line(
                  "onnxruntime",
                  version,
                  model,
                  batch,
                  o.threads(),
                  ips,
                  median,
                  gflops,
                  mfu,
                  o.settings()));
          System.out.flush();
        }
      }
    }
  }

  private static SessionOptions sessionOptions(Options o) throws OrtException {
    SessionOptions so = new SessionOptions();
    so.setIntraOpNumThreads(o.threads());
    so.setInterOpNumThreads(1);
    so.setExecutionMode(ExecutionMode.SEQUENTIAL);
    so.setOptimizationLevel(OptLevel.ALL_OPT);
    if (!o.spinning().equals("default")) {
      // ORT's intra-op pool spins between ops by default. On a shared 2-core machine a spinning
      // worker takes the core the other worker needs: deit_tiny batch 8 ran at 7-12 img/s
      // spinning and 22-29 img/s without (under background load, alternated; see README).
      so.addConfigEntry("session.intra_op.allow_spinning", o.spinning().equals("on") ? "1" : "0");
    }
    return so;
  }

  /**
   * Runs the probe input written by export_onnx.py and returns the largest absolute difference to
   * the PyTorch output; a wrong export (e.g. a batch size baked into a reshape) fails here.
   */
  private static double checkProbe(OrtEnvironment env, OrtSession session, Path dir, String model)
      throws IOException, OrtException {
    Path in = dir.resolve(model + ".probe-input.f32");
    Path out = dir.resolve(model + ".probe-output.f32");
    if (!Files.exists(in) || !Files.exists(out)) {
      return Double.NaN;
    }
    float[] x = readFloats(in);
    float[] ref = readFloats(out);
    long batch = x.length / (3L * 224 * 224);
    try (OnnxTensor t =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 3, 224, 224});
        OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), t))) {
      float[][] y = (float[][]) r.get(0).getValue(); // (B, 1000)
      double maxErr = 0;
      for (int b = 0; b < y.length; b++) {
        for (int k = 0; k < y[b].length; k++) {
          maxErr = Math.max(maxErr, Math.abs(y[b][k] - ref[b * y[b].length + k]));
        }
      }
      if (!(maxErr < 1e-2)) {
        throw new IllegalStateException(model + ": ORT output differs from torch by " + maxErr);
      }
      return maxErr;
    }
  }

  private static float[] readFloats(Path p) throws IOException {
    FloatBuffer fb =
        ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] a = new float[fb.remaining()];
    fb.get(a);
    return a;
  }

  /**
   * Times {@code session.run} on one seeded random batch held in a direct buffer (allocated once,
   * outside the timing, like the other engines' "input already in memory"): warm-up runs, then at
   * least {@code runs} timed runs and at least {@code minSeconds} of them.
   */
  private static double[] time(OrtEnvironment env, OrtSession session, int batch, Options o)
      throws OrtException {
    int n = batch * 3 * 224 * 224;
    FloatBuffer buf =
        ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Random rnd = new Random(batch);
    for (int i = 0; i < n; i++) {
      buf.put(i, (float) rnd.nextGaussian());
    }
    String input = session.getInputNames().iterator().next();
    List<Double> ms = new ArrayList<>();
    try (OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {batch, 3, 224, 224})) {
      Map<String, OnnxTensor> feed = Map.of(input, t);
      for (int i = 0; i < o.warmup(); i++) {
        session.run(feed).close();
      }
      long start = System.nanoTime();
      while (ms.size() < o.runs() || (System.nanoTime() - start) / 1e9 < o.minSeconds()) {
        long t0 = System.nanoTime();
        session.run(feed).close();
        ms.add((System.nanoTime() - t0) / 1e6);
      }
    }
    return ms.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
