package org.deit4j.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code torchrun} for deit4j: starts {@code --nproc-per-node} worker JVMs on this machine (same
 * {@code java}, class path and JVM flags as this one), each with {@code RANK}, {@code WORLD_SIZE},
 * {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}, {@code DEIT4J_DIST_TIMEOUT} and its
 * share of the cores ({@code DEIT4J_THREADS = cores / nproc-per-node} unless set), then supervises
 * them.
 *
 * <p>Output: global rank 0's stdout and stderr pass through unchanged (progress bar, result line);
 * every other worker's lines go to stderr prefixed with {@code [rank R]}.
 *
 * <p>Failure: when a worker exits non-zero, the others are expected to fail their next collective
 * (at once for a dead peer, after the timeout for a hung one) and exit by themselves; any still
 * running after the timeout are killed. The launcher then exits with the first failure's code. A
 * launcher that is itself terminated kills its workers.
 */
public final class Launcher {
  /** Exit code of a worker killed by a signal, or of a failed job with no deit code to report. */
  public static final int PEER_FAILED = 5;

  private final LaunchOptions options;
  private final PrintWriter out;
  private final PrintWriter err;

  /**
   * @param options what to start
   * @param out receives rank 0's stdout
   * @param err receives rank 0's stderr, the other ranks' output and the launcher's messages
   */
  public Launcher(LaunchOptions options, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the workers to completion.
   *
   * @param mainClass the workers' main class
   * @param args the workers' arguments (the launcher's own, without the launch flags)
   * @return 0 when every worker succeeded, else the first failure's exit code
   */
  public int run(String mainClass, List<String> args) throws IOException, InterruptedException {
    int port = options.masterPort() != 0 ? options.masterPort() : freePort();
    int n = options.nprocPerNode();
    List<Process> workers = new ArrayList<>();
    List<Thread> pumps = new ArrayList<>();
    Thread reaper = new Thread(() -> workers.forEach(Process::destroyForcibly), "deit-launcher");
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      for (int local = 0; local < n; local++) {
        int rank = options.nodeRank() * n + local;
        ProcessBuilder pb = new ProcessBuilder(command(mainClass, args));
        environment(pb.environment(), rank, local, port);
        Process p = pb.start();
        p.getOutputStream().close();
        workers.add(p);
        if (rank == 0) {
          pumps.add(pump(p.getInputStream(), out, null));
          pumps.add(pump(p.getErrorStream(), err, null));
        } else {
          String prefix = "[rank " + rank + "] ";
          pumps.add(pump(p.getInputStream(), err, prefix));
          pumps.add(pump(p.getErrorStream(), err, prefix));
        }
      }
      int code = supervise(workers);
      for (Thread t : pumps) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
      return code;
    } finally {
      workers.forEach(Process::destroyForcibly);
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running
      }
    }
  }

  private int supervise(List<Process> workers) throws InterruptedException {
    int firstRank = -1;
    int firstCode = 0;
    long failedAt = 0;
    boolean[] reported = new boolean[workers.size()];
    while (true) {
      boolean allDone = true;
      for (int i = 0; i < workers.size(); i++) {
        Process p = workers.get(i);
        if (p.isAlive()) {
          allDone = false;
          continue;
        }
        if (!reported[i]) {
          reported[i] = true;
          int code = p.exitValue();
          int rank = options.nodeRank() * options.nprocPerNode() + i;
          if (code != 0 && firstRank < 0) {
            firstRank = rank;
            firstCode = code;
            failedAt = System.nanoTime();
            message(
                "worker rank %d exited with code %d%s; the other workers stop at their next"
                    + " collective (at most %d s) or are killed",
                rank, code, describe(code), options.timeout().toSeconds());
          }
        }
      }
      if (allDone) {
        break;
      }
      if (firstRank >= 0
          && System.nanoTime() - failedAt > options.timeout().toNanos() + 5_000_000_000L) {
        for (int i = 0; i < workers.size(); i++) {
          if (workers.get(i).isAlive()) {
            message(
                "killing worker rank %d: still running %d s after rank %d failed",
                options.nodeRank() * options.nprocPerNode() + i,
                options.timeout().toSeconds() + 5,
                firstRank);
            workers.get(i).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        }
      }
      Thread.sleep(100);
    }
    if (firstRank < 0) {
      return 0;
    }
    message("distributed job failed: rank %d exited first, with code %d", firstRank, firstCode);
    return firstCode >= 1 && firstCode <= PEER_FAILED ? firstCode : PEER_FAILED;
  }

  private static String describe(int code) {
    return code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : "";
  }

  private void message(String format, Object... args) {
    synchronized (err) {
      err.println("deit launcher: " + String.format(Locale.ROOT, format, args));
      err.flush();
    }
  }

  private void environment(Map<String, String> env, int rank, int local, int port) {
    env.put("RANK", Integer.toString(rank));
    env.put("WORLD_SIZE", Integer.toString(options.worldSize()));
    env.put("LOCAL_RANK", Integer.toString(local));
    env.put("LOCAL_WORLD_SIZE", Integer.toString(options.nprocPerNode()));
    env.put("MASTER_ADDR", options.masterAddr());
    env.put("MASTER_PORT", Integer.toString(port));
    env.put(DistEnv.TIMEOUT_VAR, Long.toString(options.timeout().toSeconds()));
    String threads = System.getProperty("deit4j.threads", System.getenv("DEIT4J_THREADS"));
    if (threads == null || threads.isBlank()) {
      // two workers each running all-core GEMMs on the same cores thrash: split the cores
      int cores = Runtime.getRuntime().availableProcessors();
      env.put("DEIT4J_THREADS", Integer.toString(Math.max(1, cores / options.nprocPerNode())));
    } else {
      env.put("DEIT4J_THREADS", threads.trim());
    }
  }

  /** This JVM's java, flags and class path running {@code mainClass args}. */
  static List<String> command(String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!flag.startsWith("-agentlib:jdwp") && !flag.startsWith("-Ddeit4j.threads=")) {
        cmd.add(flag); // a debugger port cannot be shared; threads are per worker
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Copies a worker's stream to {@code to}, raw or line by line with {@code prefix}. */
  private static Thread pump(InputStream in, PrintWriter to, String prefix) {
    Thread t =
        new Thread(
            () -> {
              try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                char[] buf = new char[8192];
                StringBuilder line = new StringBuilder();
                int k;
                while ((k = r.read(buf)) > 0) {
                  if (prefix == null) {
                    synchronized (to) {
                      to.write(buf, 0, k);
                      to.flush();
                    }
                    continue;
                  }
                  for (int i = 0; i < k; i++) {
                    line.append(buf[i]);
                    if (buf[i] == '\n') {
                      synchronized (to) {
                        to.print(prefix + line);
                        to.flush();
                      }
                      line.setLength(0);
                    }
                  }
                }
                if (line.length() > 0) {
                  synchronized (to) {
                    to.println(prefix + line);
                    to.flush();
                  }
                }
              } catch (IOException e) {
                // the worker is gone; its exit code tells the story
              }
            },
            "deit-launcher-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
