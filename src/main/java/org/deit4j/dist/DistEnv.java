package org.deit4j.dist;

import java.time.Duration;
import java.util.Map;

/**
 * Where this worker stands in a distributed job: the variables {@code torchrun}, Slurm or
 * Kubernetes job templates set for PyTorch workers ({@code RANK}, {@code WORLD_SIZE}, {@code
 * LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}), plus deit4j's collective timeout.
 *
 * @param rank this worker's global rank, {@code 0 <= rank < worldSize}; rank 0 hosts the store
 * @param worldSize number of workers in the job
 * @param localRank rank among the workers of this machine
 * @param masterAddr host of rank 0's rendezvous store
 * @param masterPort port of the store
 * @param timeout longest wait for a peer (rendezvous and every collective): a dead or hung peer
 *     fails the job after at most this long
 */
public record DistEnv(
    int rank, int worldSize, int localRank, String masterAddr, int masterPort, Duration timeout) {
  /** The default collective timeout ({@code DEIT4J_DIST_TIMEOUT} seconds overrides it). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** Environment variable with the timeout in seconds (the launcher sets it for its workers). */
  public static final String TIMEOUT_VAR = "DEIT4J_DIST_TIMEOUT";

  public DistEnv {
    if (worldSize < 1) {
      throw new IllegalArgumentException("WORLD_SIZE must be >= 1, got " + worldSize);
    }
    if (rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("RANK must be in [0, " + worldSize + "), got " + rank);
    }
    if (localRank < 0 || localRank > rank) {
      throw new IllegalArgumentException(
          "LOCAL_RANK must be in [0, RANK=" + rank + "], got " + localRank);
    }
    if (masterAddr == null || masterAddr.isBlank()) {
      throw new IllegalArgumentException("MASTER_ADDR must not be empty");
    }
    if (masterPort < 1 || masterPort > 65535) {
      throw new IllegalArgumentException("MASTER_PORT must be in [1, 65535], got " + masterPort);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
  }

  /**
   * The worker environment in {@code env}, or null when {@code WORLD_SIZE} is absent (a plain,
   * single-process run). {@code MASTER_ADDR} defaults to 127.0.0.1 and {@code LOCAL_RANK} to {@code
   * RANK}, as for a job on one machine; {@code RANK} and {@code MASTER_PORT} are required.
   *
   * @throws IllegalArgumentException if a variable is missing or malformed
   */
  public static DistEnv fromEnvironment(Map<String, String> env) {
    String world = env.get("WORLD_SIZE");
    if (world == null || world.isBlank()) {
      return null;
    }
    int rank = intVar(env, "RANK", null);
    return new DistEnv(
        rank,
        intVar(env, "WORLD_SIZE", null),
        intVar(env, "LOCAL_RANK", rank),
        env.getOrDefault("MASTER_ADDR", "127.0.0.1"),
        intVar(env, "MASTER_PORT", null),
        Duration.ofSeconds(intVar(env, TIMEOUT_VAR, (int) DEFAULT_TIMEOUT.toSeconds())));
  }

  /** True when rank 0's store is on this machine's loopback interface (a one-machine job). */
  public boolean loopback() {
    return masterAddr.equals("localhost")
        || masterAddr.startsWith("127.")
        || masterAddr.equals("::1");
  }

  private static int intVar(Map<String, String> env, String name, Integer fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      if (fallback == null) {
        throw new IllegalArgumentException(name + " is not set (WORLD_SIZE is)");
      }
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not an integer: '" + v + "'", e);
    }
  }
}
