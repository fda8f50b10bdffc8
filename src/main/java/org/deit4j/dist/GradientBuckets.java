package org.deit4j.dist;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

/**
 * Gradient averaging in buckets, as DDP does it (torch {@code DistributedDataParallel}, {@code
 * bucket_cap_mb=25}): the parameters are grouped, last registered first (the order backward
 * produces their gradients), into buckets of at most {@link #DEFAULT_CAP_BYTES}; each bucket's
 * gradients are flattened into one tensor and summed over the workers with one all-reduce.
 *
 * <p>Unlike DDP, the all-reduces start after backward, not during it: this is the fallback ({@code
 * DEIT4J_DDP_MODE=after-backward}) to {@link OverlappedReducer}, which drives c10d's own {@code
 * Reducer}. Every bucket's all-reduce is started before the first is awaited, so the engine's
 * threads work on several at once; what is lost is the overlap with backward.
 */
public final class GradientBuckets {
  /** DDP's default bucket size, 25 MiB. */
  public static final long DEFAULT_CAP_BYTES = 25L << 20;

  private final List<List<Tensor>> buckets;

  /**
   * @param parameters the trainable parameters, in registration order (own handles, kept)
   * @param capBytes bucket capacity; a larger parameter gets a bucket of its own
   */
  public GradientBuckets(List<Tensor> parameters, long capBytes) {
    if (capBytes < 1) {
      throw new IllegalArgumentException("bucket capacity must be >= 1 byte, got " + capBytes);
    }
    buckets = new ArrayList<>();
    List<Tensor> current = new ArrayList<>();
    long size = 0;
    for (int i = parameters.size() - 1; i >= 0; i--) {
      Tensor p = parameters.get(i);
      long bytes = p.numel() * p.element_size();
      if (!current.isEmpty() && size + bytes > capBytes) {
        buckets.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(p);
      size += bytes;
    }
    if (!current.isEmpty()) {
      buckets.add(current);
    }
  }

  /** Number of buckets (one all-reduce each per step). */
  public int count() {
    return buckets.size();
  }

  /** Payload bytes summed per step ({@code sum of numel * element size}). */
  public long bytesPerStep() {
    long n = 0;
    for (List<Tensor> b : buckets) {
      for (Tensor p : b) {
        n += p.numel() * p.element_size();
      }
    }
    return n;
  }

  /**
   * Averages the gradients over the {@code worldSize} workers of {@code group}. Call inside the
   * caller's {@code PointerScope}: the flat buffers are freed with it.
   */
  @SuppressWarnings("try")
  public void average(Backend group, int worldSize, java.time.Duration timeout) {
    try (NoGradGuard g = new NoGradGuard()) {
      List<Tensor> flats = new ArrayList<>(buckets.size());
      List<Work> works = new ArrayList<>(buckets.size());
      for (List<Tensor> bucket : buckets) {
        TensorVector parts = new TensorVector();
        for (Tensor p : bucket) {
          Tensor grad = p.grad();
          // a parameter without gradient (unused this step) contributes zeros, as in DDP
          parts.push_back(grad.defined() ? grad.reshape(-1) : torch.zeros_like(p).reshape(-1));
        }
        Tensor flat = torch.cat(parts); // (sum of numel,)
        flats.add(flat);
        works.add(start(group, flat));
      }
      for (int b = 0; b < buckets.size(); b++) {
        await(works.get(b), "gradient all-reduce", timeout);
        Tensor flat = flats.get(b).div_(new org.bytedeco.pytorch.Scalar((double) worldSize));
        long offset = 0;
        for (Tensor p : buckets.get(b)) {
          long n = p.numel();
          Tensor grad = p.grad();
          if (grad.defined()) {
            grad.copy_(flat.narrow(0, offset, n).view(grad.sizes())); // (n,) -> p's shape
          }
          offset += n;
        }
      }
    }
  }

  private static Work start(Backend group, Tensor flat) {
    try {
      return group.allreduce(new TensorVector(flat));
    } catch (RuntimeException e) {
      throw new PeerFailureException("gradient all-reduce failed: " + e.getMessage(), e);
    }
  }

  /** Waits for {@code w}; an engine error (peer gone, timeout) becomes a peer failure. */
  static void await(Work w, String what, java.time.Duration timeout) {
    try {
      w._wait();
    } catch (RuntimeException e) {
      throw new PeerFailureException(
          what
              + " failed (a worker died, hung for over "
              + timeout.toSeconds()
              + " s, or is unreachable): "
              + firstLine(e.getMessage()),
          e);
    }
  }

  static String firstLine(String m) {
    if (m == null) {
      return "no message";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
