package org.deit4j.dist;

import java.time.Duration;

/**
 * What {@code deit train --nproc-per-node N} starts: {@code N} workers on this machine, ranks
 * {@code nodeRank * N ... nodeRank * N + N - 1} of a job of {@code nnodes * N} (torchrun's static
 * rendezvous: every node is started with the same master address and port and its own node rank).
 *
 * @param nprocPerNode workers on this machine, {@code >= 1}
 * @param nnodes machines in the job, {@code >= 1}
 * @param nodeRank this machine, {@code 0 <= nodeRank < nnodes}; node 0 hosts rank 0's store
 * @param masterAddr host of node 0, as the other nodes reach it
 * @param masterPort port of rank 0's store; 0 picks a free one (one machine only)
 * @param timeout how long a worker waits for a peer (rendezvous, every collective), and how long
 *     the launcher lets the surviving workers exit after one failed before it kills them
 */
public record LaunchOptions(
    int nprocPerNode,
    int nnodes,
    int nodeRank,
    String masterAddr,
    int masterPort,
    Duration timeout) {
  /** torchrun's default port. */
  public static final int DEFAULT_PORT = 29500;

  public LaunchOptions {
    if (nprocPerNode < 1) {
      throw new IllegalArgumentException("--nproc-per-node must be >= 1, got " + nprocPerNode);
    }
    if (nnodes < 1) {
      throw new IllegalArgumentException("--nnodes must be >= 1, got " + nnodes);
    }
    if (nodeRank < 0 || nodeRank >= nnodes) {
      throw new IllegalArgumentException(
          "--node-rank must be in [0, " + nnodes + "), got " + nodeRank);
    }
    if (masterAddr == null || masterAddr.isBlank()) {
      throw new IllegalArgumentException("--master-addr must not be empty");
    }
    if (masterPort < 0 || masterPort > 65535) {
      throw new IllegalArgumentException("--master-port must be in [0, 65535], got " + masterPort);
    }
    if (masterPort == 0 && nnodes > 1) {
      throw new IllegalArgumentException(
          "--master-port must be given when --nnodes > 1 (every node must use the same port)");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--dist-timeout must be > 0, got " + timeout);
    }
  }

  /** Workers in the whole job. */
  public int worldSize() {
    return nnodes * nprocPerNode;
  }
}
