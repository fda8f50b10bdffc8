package org.deit4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.deit4j.augment.Image;
import org.deit4j.data.Dataset;
import org.deit4j.data.DatasetSpec;
import org.deit4j.data.DecodeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deit data}: dataset utilities. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Dataset utilities.",
    subcommands = {DataCommand.Inspect.class, CommandLine.HelpCommand.class})
public final class DataCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code deit data inspect SPEC}: class counts, image sizes, undecodable files. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = {
        "Print class counts and image size statistics, decoding every image (or the first N) to"
            + " find unreadable files.",
        "SPEC: [kind:]path[:split][?options], kind = idx|folder|cifar10|cifar100 (auto-detected"
            + " when omitted), options perClass=N, names=fashion|digits, allowEmpty=true.",
        "Exit code 3 if any image fails to decode."
      })
  static final class Inspect implements Callable<Integer> {
    private static final int SHOW_FAILURES = 20;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "SPEC",
        description = "Dataset, e.g. idx:/usr/share/datasets/fashion-mnist:train")
    String datasetSpec;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "Decode only the first N images (default: all).")
    Integer limit;

    @Option(
        names = "--threads",
        paramLabel = "T",
        description = "Decoding threads (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
      if (limit != null && limit < 0) {
        throw new CliException(ExitCodes.USAGE, "--limit must be >= 0, got " + limit);
      }
      if (threads < 1) {
        throw new CliException(ExitCodes.USAGE, "--threads must be >= 1, got " + threads);
      }
      DatasetSpec parsed;
      try {
        parsed = DatasetSpec.parse(datasetSpec);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
      }
      Dataset ds;
      DatasetSpec.Kind kind;
      try {
        kind = parsed.resolveKind();
        ds = parsed.open();
      } catch (IOException e) {
        throw new CliException(ExitCodes.INPUT, ExitCodes.message(e), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("dataset: %s (%s)%n", datasetSpec, kind.name().toLowerCase(java.util.Locale.ROOT));
      out.printf("images:  %d%n", ds.size());
      int k = ds.classes().size();
      int[] counts = new int[k];
      for (int i = 0; i < ds.size(); i++) {
        counts[ds.label(i)]++;
      }
      out.printf("classes: %d%n", k);
      for (int c = 0; c < k; c++) {
        out.printf("  %4d  %-24s %d%n", c, ds.classes().name(c), counts[c]);
      }
      int n = limit == null ? ds.size() : Math.min(limit, ds.size());
      Scan scan = scan(ds, n, threads);
      out.printf("decoded: %d of %d%n", n - scan.failures.size(), n);
      if (scan.widths.getCount() > 0) {
        out.printf(
            "width:   min %d  max %d  mean %.1f%n",
            scan.widths.getMin(), scan.widths.getMax(), scan.widths.getAverage());
        out.printf(
            "height:  min %d  max %d  mean %.1f%n",
            scan.heights.getMin(), scan.heights.getMax(), scan.heights.getAverage());
        List<Map.Entry<String, Integer>> common =
            scan.sizes.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(5)
                .collect(Collectors.toList());
        out.printf(
            "sizes:   %d distinct; most common %s%n",
            scan.sizes.size(),
            common.stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", ")));
      }
      out.printf("failures: %d%n", scan.failures.size());
      scan.failures.values().stream().limit(SHOW_FAILURES).forEach(m -> out.println("  " + m));
      if (scan.failures.size() > SHOW_FAILURES) {
        out.printf("  ... and %d more%n", scan.failures.size() - SHOW_FAILURES);
      }
      out.flush();
      return scan.failures.isEmpty() ? ExitCodes.OK : ExitCodes.INPUT;
    }

    /** Results of decoding the first n images. */
    private static final class Scan {
      final IntSummaryStatistics widths = new IntSummaryStatistics();
      final IntSummaryStatistics heights = new IntSummaryStatistics();
      final Map<String, Integer> sizes = new HashMap<>();
      final Map<Integer, String> failures = new ConcurrentSkipListMap<>();
    }

    private static Scan scan(Dataset ds, int n, int threads) throws Exception {
      Scan scan = new Scan();
      int[] w = new int[n];
      int[] h = new int[n];
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        int chunk = Math.max(1, Math.min(256, n / (threads * 4) + 1));
        List<Future<?>> jobs = new java.util.ArrayList<>();
        for (int start = 0; start < n; start += chunk) {
          int s = start;
          int e = Math.min(n, start + chunk);
          jobs.add(
              pool.submit(
                  () -> {
                    for (int i = s; i < e; i++) {
                      try {
                        Image im = ds.image(i);
                        w[i] = im.width();
                        h[i] = im.height();
                      } catch (DecodeException ex) {
                        scan.failures.put(i, ex.getMessage());
                      }
                    }
                  }));
        }
        for (Future<?> f : jobs) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      for (int i = 0; i < n; i++) {
        if (!scan.failures.containsKey(i)) {
          scan.widths.accept(w[i]);
          scan.heights.accept(h[i]);
          scan.sizes.merge(w[i] + "x" + h[i], 1, Integer::sum);
        }
      }
      return scan;
    }
  }
}
