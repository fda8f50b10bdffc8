package org.deit4j.dist;

import java.util.Collection;
import org.bytedeco.pytorch.Tensor;
import org.deit4j.engine.BlasThreads;

/**
 * The collectives data-parallel training needs, seen from one worker: identical parameters at the
 * start, averaged gradients every step, summed statistics. {@link #single()} is the one-process
 * case, where every operation is the identity, so the trainer has one code path.
 *
 * <p>Every call is collective: all workers must make the same calls in the same order, or they wait
 * for each other until the timeout and fail with {@link PeerFailureException}.
 */
public interface Replicas extends AutoCloseable {
  /** This worker's rank. */
  int rank();

  /** Number of workers. */
  int worldSize();

  /** Copies rank 0's values into {@code tensors} on every worker (in place). */
  void broadcast(Collection<Tensor> tensors);

  /**
   * Runs {@code loss.backward()} and leaves each parameter's gradient averaged over the workers
   * (DDP: all-reduce then divide by the world size). Parameters without a gradient take part as
   * zeros and keep none.
   *
   * @param parameters the trainable parameters, the same handles every step
   * @throws PeerFailureException if the exchange fails (a peer died or hung)
   */
  void backward(Collection<Tensor> parameters, Tensor loss);

  /** Element-wise sums of {@code values} over the workers (in float64). */
  double[] sum(double[] values);

  /** The mean of {@code value} over the workers. */
  default double mean(double value) {
    return sum(new double[] {value})[0] / worldSize();
  }

  @Override
  void close();

  /** The single-process case: rank 0 of 1, every collective the identity. */
  static Replicas single() {
    return Single.INSTANCE;
  }

  /**
   * The seed of rank {@code rank}'s random draws given the job's {@code seed}: rank 0 keeps it, so
   * a one-process run draws exactly as before; other ranks get independent streams (deit seeds each
   * rank with {@code seed + rank}; a mixed seed avoids overlap with (seed + 1)'s run).
   */
  static long rankSeed(long seed, int rank) {
    if (rank == 0) {
      return seed;
    }
    long z = seed + 0x9E3779B97F4A7C15L * rank; // SplitMix64 finaliser
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** {@link #single()}'s implementation. */
  final class Single implements Replicas {
    static final Single INSTANCE = new Single();

    private Single() {}

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int worldSize() {
      return 1;
    }

    @Override
    public void broadcast(Collection<Tensor> tensors) {}

    @Override
    public void backward(Collection<Tensor> parameters, Tensor loss) {
      BlasThreads.backward(loss); // see Attention: no single-threaded period outlives it
    }

    @Override
    public double[] sum(double[] values) {
      return values.clone();
    }

    @Override
    public void close() {}
  }
}
