package org.deit4j.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.deit4j.augment.Recipes;
import org.deit4j.augment.SampleTransform;
import org.deit4j.data.Batch;
import org.deit4j.data.Dataset;
import org.deit4j.data.DatasetSpec;
import org.deit4j.data.Loader;
import org.deit4j.data.RandomSampler;
import org.deit4j.engine.Engine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Loader throughput: images per second through decode + {@link SampleTransform} + batch assembly,
 * for several worker-thread counts. Not a test; run with {@code java -cp ... DataBench SPEC}.
 */
@Command(
    name = "DataBench",
    mixinStandardHelpOptions = true,
    description = "Measure data loader throughput (images/s) per thread count.")
public final class DataBench implements Callable<Integer> {
  @Parameters(paramLabel = "SPEC", description = "Dataset spec (see DatasetSpec).")
  String datasetSpec;

  @Option(names = "--threads", split = ",", description = "Thread counts (default: 1,2).")
  List<Integer> threads = List.of(1, 2);

  @Option(names = "--batch", description = "Batch size (default: 64).")
  int batchSize = 64;

  @Option(names = "--batches", description = "Timed batches per thread count (default: 30).")
  int batches = 30;

  @Option(names = "--warmup", description = "Untimed batches first (default: 3).")
  int warmup = 3;

  @Option(names = "--size", description = "Recipe input size (default: 224).")
  int size = 224;

  @Option(names = "--recipe", description = "deit, deit3, eval or none (default: deit).")
  String recipe = "deit";

  @Option(
      names = "--rounds",
      description = "Repeat the sweep; the first round also warms up the JIT (default: 2).")
  int rounds = 2;

  /** One measurement. */
  public record Result(int threads, long images, double seconds) {
    public double imagesPerSecond() {
      return images / seconds;
    }
  }

  /**
   * Times {@code batches} batches after {@code warmup} untimed ones, cycling epochs as needed.
   *
   * @param transforms makes the per-sample transform (the recipe under test)
   */
  // PointerScope frees what is created while it is open; it is never referenced by name.
  @SuppressWarnings("try")
  public static Result measure(
      Dataset ds,
      Supplier<SampleTransform> transforms,
      int threads,
      int batchSize,
      int warmup,
      int batches) {
    if (warmup < 1 || batches < 1) {
      throw new IllegalArgumentException("warmup and batches must be >= 1");
    }
    Engine.init();
    Loader.Config cfg =
        Loader.Config.of(batchSize).withThreads(threads).withPrefetchBatches(threads + 1);
    try (Loader loader = new Loader(ds, new RandomSampler(ds.size(), 0), transforms.get(), cfg)) {
      long images = 0;
      long t0 = 0;
      int seen = 0;
      for (int epoch = 0; seen < warmup + batches; epoch++) {
        try (Loader.EpochIterator it = loader.epoch(epoch)) {
          while (it.hasNext() && seen < warmup + batches) {
            try (PointerScope s = new PointerScope()) {
              Batch b = it.next();
              if (seen >= warmup) {
                images += b.size();
              }
              seen++;
              if (seen == warmup) {
                t0 = System.nanoTime(); // clock starts once the warm-up batches are consumed
              }
            }
          }
        }
      }
      return new Result(threads, images, (System.nanoTime() - t0) / 1e9);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Dataset ds = DatasetSpec.parse(datasetSpec).open();
    out.printf(
        "dataset %s: %d images; batch %d, %d timed batches, recipe %s at %d px%n",
        datasetSpec, ds.size(), batchSize, batches, recipe, size);
    out.printf(
        "cores %d, libtorch threads %d%n",
        Runtime.getRuntime().availableProcessors(), Engine.threads());
    out.printf("%6s %8s %12s %10s%n", "round", "threads", "images/s", "ms/batch");
    for (int round = 1; round <= rounds; round++) {
      for (int t : threads) {
        Result r =
            measure(ds, () -> Recipes.named(recipe, size).build(), t, batchSize, warmup, batches);
        out.printf(
            "%6d %8d %12.0f %10.1f%n",
            round, t, r.imagesPerSecond(), 1000.0 * r.seconds() / batches);
      }
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new DataBench()).execute(args));
  }
}
