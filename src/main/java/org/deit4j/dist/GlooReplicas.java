package org.deit4j.dist;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.gloo.Device;
import org.deit4j.engine.BlasThreads;
import org.deit4j.engine.Engine;

/**
 * {@link Replicas} over libtorch's c10d: a {@code TCPStore} hosted by rank 0 for the rendezvous (as
 * {@code torch.distributed.init_process_group(init_method="env://")}) and a {@code
 * ProcessGroupGloo} for the collectives, with one timeout for both.
 *
 * <p>Gloo's network device: the loopback interface when {@code MASTER_ADDR} is a loopback address
 * (one machine), the interface named by {@code GLOO_SOCKET_IFNAME} when set (as in PyTorch), else
 * the address this host's name resolves to (Gloo's default).
 */
public final class GlooReplicas implements Replicas {
  private final DistEnv env;
  private final TCPStore store;
  private final ProcessGroupGloo group;
  private final long bucketCapBytes;
  private final boolean overlap;
  private GradientBuckets buckets;
  private List<Tensor> bucketed;
  private OverlappedReducer reducer;

  /** Every c10d object made here, kept reachable so neither close nor the GC frees it. */
  static final List<Object> KEEP_ALIVE = java.util.Collections.synchronizedList(new ArrayList<>());

  private GlooReplicas(
      DistEnv env, TCPStore store, ProcessGroupGloo group, long bucketCapBytes, boolean overlap) {
    this.env = env;
    this.store = store;
    this.group = group;
    this.bucketCapBytes = bucketCapBytes;
    this.overlap = overlap;
    KEEP_ALIVE.add(group);
  }

  /**
   * Joins the job {@code env} describes; returns when every worker has joined.
   *
   * @throws PeerFailureException if the others do not all arrive within the timeout
   */
  public static GlooReplicas connect(DistEnv env) {
    String mode = System.getenv(MODE_VAR);
    return connect(env, GradientBuckets.DEFAULT_CAP_BYTES, !"after-backward".equals(mode));
  }

  /**
   * Environment variable choosing how gradients are averaged: {@code overlap} (default: c10d's
   * {@code Reducer}, during backward) or {@code after-backward} ({@link GradientBuckets}).
   */
  public static final String MODE_VAR = "DEIT4J_DDP_MODE";

  /**
   * {@link #connect(DistEnv)} with gradient buckets of at most {@code bucketCapBytes}, averaged
   * during backward ({@code overlap}) or after it.
   */
  static GlooReplicas connect(DistEnv env, long bucketCapBytes, boolean overlap) {
    Engine.init();
    Milliseconds timeout = new Milliseconds(env.timeout().toMillis());
    TCPStore store;
    try {
      TCPStoreOptions o = new TCPStoreOptions();
      o.port((short) env.masterPort()); // uint16_t in C++: the bits of a port > 32767 are kept
      o.isServer(env.rank() == 0);
      o.numWorkers(new SizeTPointer(1).put(env.worldSize()));
      o.waitWorkers(false);
      o.timeout(timeout);
      store = new TCPStore(env.masterAddr(), o);
      KEEP_ALIVE.add(store);
    } catch (RuntimeException e) {
      throw new PeerFailureException(
          "rank "
              + env.rank()
              + ": cannot "
              + (env.rank() == 0 ? "start" : "reach")
              + " the rendezvous store at "
              + env.masterAddr()
              + ":"
              + env.masterPort()
              + " within "
              + env.timeout().toSeconds()
              + " s: "
              + GradientBuckets.firstLine(e.getMessage()),
          e);
    }
    try {
      ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(timeout);
      opts.devices().push_back(device(env));
      ProcessGroupGloo group = new ProcessGroupGloo(store, env.rank(), env.worldSize(), opts);
      return new GlooReplicas(env, store, group, bucketCapBytes, overlap);
    } catch (RuntimeException e) {
      throw new PeerFailureException(
          "rank "
              + env.rank()
              + ": not all "
              + env.worldSize()
              + " workers joined within "
              + env.timeout().toSeconds()
              + " s: "
              + GradientBuckets.firstLine(e.getMessage()),
          e);
    }
  }

  private static Device device(DistEnv env) {
    String iface = System.getenv("GLOO_SOCKET_IFNAME");
    if (iface != null && !iface.isBlank()) {
      return ProcessGroupGloo.createDeviceForInterface(iface.trim());
    }
    if (env.loopback()) {
      return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
    }
    return ProcessGroupGloo.createDefaultDevice();
  }

  @Override
  public int rank() {
    return env.rank();
  }

  @Override
  public int worldSize() {
    return env.worldSize();
  }

  @Override
  @SuppressWarnings("try")
  public void broadcast(Collection<Tensor> tensors) {
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor t : tensors) {
        // Gloo broadcasts contiguous tensors in place; parameters and buffers are contiguous
        Tensor c = t.is_contiguous() ? t : t.contiguous();
        run(group.broadcast(new TensorVector(c)), "broadcast from rank 0");
        if (c != t) {
          t.copy_(c);
        }
      }
    }
  }

  @Override
  public void backward(Collection<Tensor> parameters, Tensor loss) {
    List<Tensor> ps = List.copyOf(parameters);
    if (overlap) {
      if (reducer == null || !reducer.covers(ps)) {
        reducer = new OverlappedReducer(group, env.rank(), env.worldSize(), ps, bucketCapBytes);
        KEEP_ALIVE.add(reducer);
      }
      reducer.prepare(loss); // arms the hooks: buckets are all-reduced as backward fills them
    }
    try {
      loss.backward();
    } catch (RuntimeException e) {
      String m = String.valueOf(e.getMessage());
      if (overlap && m.toLowerCase(java.util.Locale.ROOT).contains("gloo")) {
        throw new PeerFailureException(
            "rank "
                + env.rank()
                + ": gradient all-reduce during backward failed (a worker died, hung for over "
                + env.timeout().toSeconds()
                + " s, or is unreachable): "
                + GradientBuckets.firstLine(m),
            e);
      }
      throw e;
    } finally {
      BlasThreads.closeBackwardSections(); // see Attention: none stays open after a failure
    }
    if (!overlap) {
      if (buckets == null || !ps.equals(bucketed)) {
        buckets = new GradientBuckets(ps, bucketCapBytes);
        bucketed = ps;
      }
      buckets.average(group, env.worldSize(), env.timeout());
    }
  }

  @Override
  public double[] sum(double[] values) {
    Tensor t =
        torch.empty(
            new long[] {values.length},
            new TensorOptions(ScalarType.Double),
            new MemoryFormatOptional());
    DoublePointer data = new DoublePointer(t.data_ptr()).capacity(values.length);
    data.put(values);
    run(group.allreduce(new TensorVector(t)), "all-reduce of statistics");
    double[] out = new double[values.length];
    data.get(out);
    t.close();
    return out;
  }

  private void run(Work w, String what) {
    GradientBuckets.await(w, "rank " + env.rank() + ": " + what, env.timeout());
  }

  /**
   * Leaves the native objects alive: c10d objects reference each other through intrusive pointers
   * (the store from the group, the group from the reducer, pending work from the engine's threads),
   * and freeing one from Java while another still points at it corrupted the native heap of a
   * shared test JVM once. A worker has one group for its whole life, so they live until exit.
   */
  @Override
  public void close() {}
}
