package org.deit4j.dist;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BackendOptional;
import org.bytedeco.pytorch.BoolVector;
import org.bytedeco.pytorch.ProcessGroup;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Reducer;
import org.bytedeco.pytorch.SizeTStringMap;
import org.bytedeco.pytorch.SizeTVector;
import org.bytedeco.pytorch.SizeTVectorVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * DDP's gradient synchronisation, done by c10d's own {@code Reducer}: it hooks every parameter's
 * gradient accumulator, so a bucket's all-reduce starts as soon as backward has produced that
 * bucket's gradients and runs while backward continues with earlier layers; when backward ends,
 * each gradient holds its mean over the workers. Buckets as torch {@code DistributedDataParallel}
 * builds them: {@code compute_bucket_assignment_by_size} with a 1 MiB first bucket and 25 MiB
 * after, in reverse parameter order (the order backward produces gradients).
 *
 * <p>{@code find_unused_parameters} is on: before each backward the reducer walks the loss's graph
 * and marks parameters it does not reach as ready (zeros), so a head left out of a step cannot
 * stall the job, at the cost of one graph walk and a small all-reduce per step.
 *
 * <p>JavaCPP note: {@code new ProcessGroup(store, rank, size)} aborts the JVM ({@code
 * intrusive_ptr: Newly-created target had non-zero refcounts}); {@code new ProcessGroup(rank,
 * size)} with the Gloo backend attached works, and that is all the reducer needs.
 */
final class OverlappedReducer {
  /** DDP's {@code first_bucket_bytes_cap}: a small first bucket starts communication early. */
  static final long FIRST_BUCKET_BYTES = 1L << 20;

  private final ProcessGroup group;
  private final TensorVector params; // kept: the reducer holds the same tensors
  private final List<Tensor> paramList;
  private final Reducer reducer;

  /**
   * Builds the reducer. The native objects it keeps are created in a scope of their own and
   * retained, so the caller's {@code PointerScope} (a training step's) does not free them.
   */
  @SuppressWarnings("try")
  OverlappedReducer(ProcessGroupGloo gloo, int rank, int world, List<Tensor> parameters, long cap) {
    try (PointerScope own = new PointerScope()) {
      group = new ProcessGroup(rank, world);
      group.retainReference();
      paramList = List.copyOf(parameters);
      params = new TensorVector(paramList.toArray(Tensor[]::new));
      params.retainReference();
      reducer = build(gloo, group, params, paramList, cap);
      reducer.retainReference();
    }
  }

  private static Reducer build(
      ProcessGroupGloo gloo,
      ProcessGroup group,
      TensorVector params,
      List<Tensor> paramList,
      long cap) {
    group.setBackend(
        torch.DeviceType.CPU, ProcessGroup.BackendType.GLOO, new BackendOptional(gloo));
    group.setDefaultBackend(ProcessGroup.BackendType.GLOO);
    SizeTVector limits = new SizeTVector(Math.min(FIRST_BUCKET_BYTES, cap), cap);
    SizeTVectorVector assigned = torch.compute_bucket_assignment_by_size(params, limits).get0();
    SizeTVectorVector reversed = new SizeTVectorVector();
    for (long b = assigned.size() - 1; b >= 0; b--) {
      reversed.push_back(assigned.get(b));
    }
    BoolVector sparse = new BoolVector();
    for (int i = 0; i < paramList.size(); i++) {
      sparse.push_back(false);
    }
    return new Reducer(
        params,
        reversed,
        group,
        sparse,
        cap,
        true, // find_unused_parameters
        false, // gradient_as_bucket_view
        new SizeTStringMap(),
        Math.min(FIRST_BUCKET_BYTES, cap),
        false,
        false);
  }

  /** True when this reducer was built for exactly {@code parameters}. */
  boolean covers(List<Tensor> parameters) {
    return paramList.equals(parameters);
  }

  /** Arms the hooks for the next backward of {@code loss} (DDP's forward does this). */
  void prepare(Tensor loss) {
    try {
      reducer.prepare_for_backward(new TensorVector(loss));
    } catch (RuntimeException e) {
      throw new PeerFailureException(
          "gradient reducer: " + GradientBuckets.firstLine(e.getMessage()), e);
    }
  }
}
