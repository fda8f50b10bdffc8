package org.deit4j.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The collectives over a real {@code ProcessGroupGloo} on loopback, with the ranks as threads of
 * this JVM (c10d allows that; the launcher's processes are tested in {@code DataParallelTest}).
 */
class GlooReplicasTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @BeforeAll
  static void init() {
    Engine.init();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Runs {@code body} as every rank of a fresh group of {@code world}; returns their results. */
  static <T> List<T> onRanks(int world, long capBytes, Duration timeout, Function<Replicas, T> body)
      throws Exception {
    return onRanks(world, capBytes, false, timeout, body);
  }

  static <T> List<T> onRanks(
      int world, long capBytes, boolean overlap, Duration timeout, Function<Replicas, T> body)
      throws Exception {
    int port = freePort();
    ExecutorService pool = Executors.newFixedThreadPool(world);
    try {
      List<Future<T>> fs = new ArrayList<>();
      for (int r = 0; r < world; r++) {
        DistEnv env = new DistEnv(r, world, r, "127.0.0.1", port, timeout);
        fs.add(
            pool.submit(
                () -> {
                  try (Replicas rep = GlooReplicas.connect(env, capBytes, overlap);
                      PointerScope scope = new PointerScope()) {
                    return body.apply(rep);
                  }
                }));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest(name = "overlap={0}")
  @ValueSource(booleans = {false, true})
  void broadcastSumAndGradientMeanAcrossThreeRanks(boolean overlap) throws Exception {
    List<float[]> results =
        onRanks(
            3,
            64, // bytes: a bucket per parameter or two, so several all-reduces per step
            overlap,
            TIMEOUT,
            rep -> {
              int r = rep.rank();
              Tensor a = torch.full(new long[] {3}, new Scalar(r + 1.0)).requires_grad_(true);
              Tensor b = torch.full(new long[] {2, 5}, new Scalar(10.0 * r)).requires_grad_(true);
              Tensor unused = torch.zeros(4).requires_grad_(true);
              rep.broadcast(List.of(b)); // b = 0 everywhere: rank 0's value
              // loss = (r+1) * sum(a) + sum(b * b) + r: grad a = r+1, grad b = 2b = 0
              Tensor loss = a.mul(new Scalar(r + 1.0)).sum().add(b.mul(b).sum());
              rep.backward(List.of(a, b, unused), loss);
              double[] s = rep.sum(new double[] {r, 1.5});
              assertFalse(unused.grad().defined(), "no gradient is invented");
              assertEquals(rep.worldSize() * 1.5, s[1]);
              float[] ga = Tensors.toFloats(a.grad());
              float[] gb = Tensors.toFloats(b.grad());
              float[] vb = Tensors.toFloats(b);
              return new float[] {ga[0], ga[2], gb[0], vb[9], (float) s[0]};
            });
    for (float[] r : results) {
      // mean of 1, 2, 3 = 2; rank 0's b = 0; sum of ranks 0+1+2 = 3
      assertArrayEquals(new float[] {2f, 2f, 0f, 0f, 3f}, r);
    }
  }

  @Test
  void aMissingPeerFailsTheCollectiveWithinTheTimeout() throws Exception {
    List<String> results =
        onRanks(
            2,
            1 << 20,
            Duration.ofSeconds(3),
            rep -> {
              if (rep.rank() == 1) {
                return "absent"; // never joins the all-reduce: a hung worker
              }
              PeerFailureException e =
                  assertThrows(PeerFailureException.class, () -> rep.sum(new double[] {1}));
              return e.getMessage();
            });
    assertTrue(results.get(0).contains("rank 0: all-reduce of statistics failed"), results.get(0));
    assertTrue(results.get(0).contains("3 s"), results.get(0));
  }

  @Test
  void anUnreachableStoreFailsTheRendezvousWithinTheTimeout() throws Exception {
    DistEnv env = new DistEnv(1, 2, 1, "127.0.0.1", freePort(), Duration.ofSeconds(2));
    PeerFailureException e =
        assertThrows(PeerFailureException.class, () -> GlooReplicas.connect(env).close());
    assertTrue(e.getMessage().contains("cannot reach the rendezvous store"), e.getMessage());
  }

  /**
   * Time of {@link Replicas#backward} for a one-tensor model of DeiT sizes between two ranks on
   * loopback, i.e. flatten + all-reduce + copy back of the gradient (printed, not asserted): {@code
   * mvn -B test -Dgroups=slow -Dsurefire.excludedGroups= -Dtest=GlooReplicasTest#allReduceTimes}.
   */
  @Test
  @Tag("slow")
  void allReduceTimes() throws Exception {
    long[] params = {307_082, 5_717_416, 22_050_664}; // vit_fm_patch4_28, DeiT-Ti, DeiT-S
    for (long n : params) {
      List<double[]> ms =
          onRanks(
              2,
              GradientBuckets.DEFAULT_CAP_BYTES,
              false, // after backward: the all-reduce is timed, not hidden behind backward
              TIMEOUT,
              rep -> {
                Tensor p = torch.zeros(n).requires_grad_(true); // a float32 "model" of n
                double[] t = new double[10];
                for (int i = -3; i < t.length; i++) {
                  try (PointerScope step = new PointerScope()) {
                    Tensor loss = p.sum();
                    p.mutable_grad().reset();
                    long t0 = System.nanoTime();
                    rep.backward(List.of(p), loss); // backward of a sum: a fill of ones
                    if (i >= 0) {
                      t[i] = (System.nanoTime() - t0) / 1e6;
                    }
                  }
                }
                java.util.Arrays.sort(t);
                return t;
              });
      double[] t = ms.get(0);
      System.out.printf(
          "[all-reduce] %.2f MB between 2 ranks: median %.1f ms (min %.1f, max %.1f)%n",
          4.0 * n / 1e6, t[t.length / 2], t[0], t[t.length - 1]);
    }
  }
}
