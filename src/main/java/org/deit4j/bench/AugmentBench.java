package org.deit4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deit4j.augment.Image;
import org.deit4j.augment.ImageCodec;
import org.deit4j.augment.Pipeline;
import org.deit4j.augment.Recipes;

/**
 * Single-thread throughput of the per-sample transforms (images/s), to compare with the PIL/timm
 * figures in the augment fixtures README (train 361/s, eval 382/s per core, decoded image in
 * memory). Wall-clock rates and rates per CPU-second of the benchmark thread are both printed: on a
 * shared machine the latter is the comparable figure. Not a test: {@code java -cp target/classes
 * org.deit4j.bench.AugmentBench [jpeg] [seconds-per-run] [runs]}.
 */
public final class AugmentBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private AugmentBench() {}

  /** Runs the benchmark and prints one line per pipeline. */
  public static void main(String[] args) throws IOException {
    Path jpeg =
        Path.of(
            args.length > 0
                ? args[0]
                : "/work/shared/fixtures/augment/bench/bench_500x375_q90.jpg");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3.0;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    byte[] encoded = Files.readAllBytes(jpeg);
    Image decoded = ImageCodec.decode(encoded);
    System.out.printf(
        Locale.ROOT,
        "input %s (%dx%d), 1 thread, %d runs of %.1f s, median [min-max] images/s%n",
        jpeg.getFileName(),
        decoded.width(),
        decoded.height(),
        runs,
        seconds);
    Pipeline train = Recipes.deit(224).build();
    Pipeline eval = Recipes.eval(224).build();
    report("deit train, in memory", runs, seconds, rng -> train.apply(decoded, rng));
    report("deit train, incl. decode", runs, seconds, rng -> train.apply(decode(encoded), rng));
    report("eval, in memory", runs, seconds, rng -> eval.apply(decoded, rng));
    report("eval, incl. decode", runs, seconds, rng -> eval.apply(decode(encoded), rng));
    report("decode only", runs, seconds, rng -> new float[decode(encoded).width()]);
  }

  private static Image decode(byte[] encoded) {
    try {
      return ImageCodec.decode(encoded);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Work {
    float[] run(SplittableRandom rng);
  }

  private static void report(String name, int runs, double seconds, Work work) {
    SplittableRandom rng = new SplittableRandom(0);
    float sink = 0;
    for (int i = 0; i < 300; i++) { // warm-up: JIT
      sink += work.run(rng)[0];
    }
    double[] rates = new double[runs];
    double[] cpuRates = new double[runs];
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      long deadline = t0 + (long) (seconds * 1e9);
      int n = 0;
      long now;
      do {
        sink += work.run(rng)[0];
        n++;
        now = System.nanoTime();
      } while (now < deadline);
      rates[r] = n / ((now - t0) / 1e9);
      cpuRates[r] = n / ((THREADS.getCurrentThreadCpuTime() - c0) / 1e9);
    }
    Arrays.sort(rates);
    Arrays.sort(cpuRates);
    System.out.printf(
        Locale.ROOT,
        "%-26s wall %6.0f [%.0f-%.0f]   per CPU-second %6.0f [%.0f-%.0f]%s%n",
        name,
        rates[runs / 2],
        rates[0],
        rates[runs - 1],
        cpuRates[runs / 2],
        cpuRates[0],
        cpuRates[runs - 1],
        sink == 12345.678f ? " " : "");
  }
}
