package org.deit4j.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.deit4j.dist.GradientBuckets;
import org.deit4j.dist.LaunchOptions;
import org.deit4j.train.RunSetup;
import picocli.CommandLine.Option;

/**
 * {@code deit train}'s launch flags, torchrun's names: with {@code --nproc-per-node N} the command
 * starts N workers on this machine instead of training itself ({@link org.deit4j.dist.Launcher}).
 */
public final class DistOptions {
  private static final Set<String> FLAGS =
      Set.of(
          "--nproc-per-node",
          "--nnodes",
          "--node-rank",
          "--master-addr",
          "--master-port",
          "--dist-timeout");

  @Option(
      names = "--nproc-per-node",
      paramLabel = "N",
      description = "Start N data-parallel worker processes on this machine (torchrun's flag).")
  Integer nprocPerNode;

  @Option(
      names = "--nnodes",
      defaultValue = "1",
      paramLabel = "M",
      description = "Machines in the job (each runs this command with its --node-rank).")
  int nnodes;

  @Option(names = "--node-rank", defaultValue = "0", paramLabel = "R", description = "This node.")
  int nodeRank;

  @Option(
      names = "--master-addr",
      defaultValue = "127.0.0.1",
      paramLabel = "HOST",
      description = "Node 0's address.")
  String masterAddr;

  @Option(
      names = "--master-port",
      paramLabel = "P",
      description = "Rank 0's store port (default: a free port on one machine, 29500 on several).")
  Integer masterPort;

  @Option(
      names = "--dist-timeout",
      defaultValue = "300",
      paramLabel = "SECONDS",
      description = "Longest wait for a dead or hung worker before the job fails.")
  int timeoutSeconds;

  /** True when this command is to launch workers rather than train. */
  boolean launching() {
    return nprocPerNode != null;
  }

  /** The validated launch settings. */
  LaunchOptions toLaunchOptions() {
    int port = masterPort != null ? masterPort : nnodes > 1 ? LaunchOptions.DEFAULT_PORT : 0;
    return new LaunchOptions(
        nprocPerNode, nnodes, nodeRank, masterAddr, port, Duration.ofSeconds(timeoutSeconds));
  }

  /** {@code args} without the launch flags and their values (the workers' arguments). */
  static List<String> workerArgs(List<String> args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      if (FLAGS.contains(name)) {
        if (eq < 0) {
          i++; // skip the value
        }
        continue;
      }
      out.add(a);
    }
    return out;
  }

  /** One line on the job's shape and the gradient traffic of a step. */
  static void describe(RunSetup run) {
    int world = run.replicas().worldSize();
    GradientBuckets b =
        new GradientBuckets(
            List.copyOf(run.optimizer().parameters().values()), GradientBuckets.DEFAULT_CAP_BYTES);
    System.err.printf(
        Locale.ROOT,
        "data parallel: %d workers x batch %d = global batch %d, lr %.3g; all-reduce of %.2f MB"
            + " of gradients per step in %d bucket(s)%n",
        world,
        run.config().batchSize(),
        world * run.config().batchSize(),
        run.config().scaledLr(world),
        b.bytesPerStep() / 1e6,
        b.count());
  }
}
