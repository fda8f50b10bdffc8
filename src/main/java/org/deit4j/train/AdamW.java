package org.deit4j.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Tensors;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;

/**
 * AdamW (Loshchilov and Hutter) with torch's {@code torch.optim.AdamW} single-tensor arithmetic,
 * per-group learning rate and weight decay, and name-keyed state for checkpoints. Per step {@code
 * t} (1-based) and parameter {@code p} with gradient {@code g}:
 *
 * <pre>
 *   p *= 1 - lr*wd                       (decoupled decay, before the Adam update, scaled by lr)
 *   m = b1*m + (1-b1)*g;   v = b2*v + (1-b2)*g*g
 *   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * <p>Implemented here with in-place libtorch ops rather than libtorch's {@code torch::optim::AdamW}
 * because the JavaCPP presets expose no accessor to that optimizer's per-parameter state ({@code
 * Optimizer::state()} is not mapped), so its moments could not be saved as named tensors.
 * Parameters whose gradient is undefined are skipped (torch semantics), and their step count does
 * not advance.
 *
 * <p>The optimizer retains the parameter handles and its state tensors; {@link #close()} releases
 * them.
 */
// "try": PointerScope and NoGradGuard are scope guards, used only for their open/close effects.
@SuppressWarnings("try")
public final class AdamW implements AutoCloseable {
  private static final String STATE = "state.";
  private static final String GROUPS = "param_groups.";
  private static final String[] FIELDS = {".exp_avg_sq", ".exp_avg", ".step"};

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final List<Group> groups = new ArrayList<>();
  private final Map<String, Tensor> params = new LinkedHashMap<>();
  private final Map<String, Moments> state = new HashMap<>();
  private boolean closed;

  private static final class Group {
    final List<String> names;
    final double weightDecay;
    double lr;

    Group(List<String> names, double weightDecay, double lr) {
      this.names = names;
      this.weightDecay = weightDecay;
      this.lr = lr;
    }
  }

  private static final class Moments {
    final Tensor expAvg;
    final Tensor expAvgSq;
    long step;

    Moments(Tensor expAvg, Tensor expAvgSq, long step) {
      this.expAvg = expAvg.retainReference();
      this.expAvgSq = expAvgSq.retainReference();
      this.step = step;
    }

    void release() {
      expAvg.releaseReference();
      expAvgSq.releaseReference();
    }
  }

  /**
   * @param groups parameter groups (names must be unique across groups)
   * @param lr initial learning rate of every group
   * @param beta1 first-moment decay, in [0, 1)
   * @param beta2 second-moment decay, in [0, 1)
   * @param eps denominator epsilon, >= 0
   */
  public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps) {
    checkLr(lr);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("eps must be >= 0, got " + eps);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    for (ParamGroup g : groups) {
      List<String> names = new ArrayList<>();
      for (Map.Entry<String, Tensor> e : g.params().entrySet()) {
        if (params.containsKey(e.getKey())) {
          throw new IllegalArgumentException("parameter in two groups: " + e.getKey());
        }
        if (!e.getValue().is_floating_point()) {
          throw new IllegalArgumentException("parameter is not floating point: " + e.getKey());
        }
        params.put(e.getKey(), e.getValue().retainReference());
        names.add(e.getKey());
      }
      this.groups.add(new Group(List.copyOf(names), g.weightDecay(), lr));
    }
  }

  /** Number of parameter groups. */
  public int numGroups() {
    return groups.size();
  }

  /** Learning rate of group {@code g}. */
  public double lr(int g) {
    return groups.get(g).lr;
  }

  /** Weight decay of group {@code g}. */
  public double weightDecay(int g) {
    return groups.get(g).weightDecay;
  }

  /** Parameter names of group {@code g}. */
  public List<String> groupNames(int g) {
    return groups.get(g).names;
  }

  /** Sets every group's learning rate (what timm's scheduler does each epoch). */
  public void setLr(double lr) {
    checkLr(lr);
    for (Group g : groups) {
      g.lr = lr;
    }
  }

  /** Sets one group's learning rate. */
  public void setLr(int group, double lr) {
    checkLr(lr);
    groups.get(group).lr = lr;
  }

  /** All parameters by name (e.g. for {@link Optimizers#clipGradNorm}). */
  public Map<String, Tensor> parameters() {
    return Collections.unmodifiableMap(params);
  }

  /** Steps taken by parameter {@code name} (0 before its first update). */
  public long stepCount(String name) {
    requireParam(name);
    Moments m = state.get(name);
    return m == null ? 0 : m.step;
  }

  /** Drops all gradients ({@code zero_grad(set_to_none=True)}, torch 2's default). */
  public void zeroGrad() {
    ensureOpen();
    for (Tensor p : params.values()) {
      Tensor g = p.mutable_grad(); // a reference to p's grad slot: reset() undefines it
      if (g.defined()) {
        g.reset();
      }
    }
  }

  /** One AdamW update of every parameter that has a gradient. */
  public void step() {
    ensureOpen();
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      for (Group group : groups) {
        for (String name : group.names) {
          Tensor p = params.get(name);
          Tensor grad = p.grad();
          if (!grad.defined()) {
            continue;
          }
          Moments s = state.get(name);
          if (s == null) {
            s = new Moments(torch.zeros_like(p), torch.zeros_like(p), 0);
            state.put(name, s);
          }
          update(p, grad, s, group.lr, group.weightDecay);
        }
      }
    }
  }

  private void update(Tensor p, Tensor grad, Moments s, double lr, double wd) {
    s.step++;
    if (wd != 0) {
      p.mul_(new Scalar(1 - lr * wd));
    }
    s.expAvg.mul_(new Scalar(beta1)).add_(grad, new Scalar(1 - beta1));
    s.expAvgSq.mul_(new Scalar(beta2)).addcmul_(grad, grad, new Scalar(1 - beta2));
    double biasCorrection1 = 1 - Math.pow(beta1, s.step);
    double biasCorrection2 = 1 - Math.pow(beta2, s.step);
    double stepSize = lr / biasCorrection1;
    Tensor denom = s.expAvgSq.sqrt().div(new Scalar(Math.sqrt(biasCorrection2)));
    denom.add_(new Scalar(eps));
    p.addcdiv_(s.expAvg, denom, new Scalar(-stepSize));
  }

  /**
   * The optimizer state as named host tensors: {@code state.<param>.exp_avg}, {@code
   * state.<param>.exp_avg_sq} (param dtype and shape), {@code state.<param>.step} (I64 scalar) for
   * every parameter updated at least once, and {@code param_groups.<i>.lr} (F64 scalar).
   */
  public Map<String, HostTensor> stateDict() {
    ensureOpen();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (String name : params.keySet()) {
      Moments m = state.get(name);
      if (m != null) {
        out.put(STATE + name + ".exp_avg", Tensors.toHost(m.expAvg));
        out.put(STATE + name + ".exp_avg_sq", Tensors.toHost(m.expAvgSq));
        out.put(STATE + name + ".step", scalarI64(m.step));
      }
    }
    for (int i = 0; i < groups.size(); i++) {
      out.put(GROUPS + i + ".lr", scalarF64(groups.get(i).lr));
    }
    return out;
  }

  /**
   * Restores a {@link #stateDict()}: replaces all moments and steps (parameters absent from {@code
   * sd} start fresh) and group learning rates. Unknown keys, shape mismatches and incomplete
   * entries are rejected before anything changes.
   */
  public void loadStateDict(Map<String, HostTensor> sd) {
    ensureOpen();
    Map<String, HostTensor[]> byParam = new LinkedHashMap<>();
    double[] lrs = new double[groups.size()];
    boolean[] haveLr = new boolean[groups.size()];
    for (Map.Entry<String, HostTensor> e : sd.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(GROUPS) && key.endsWith(".lr")) {
        int g = parseGroup(key);
        lrs[g] = readScalar(e.getValue(), key);
        checkLr(lrs[g]);
        haveLr[g] = true;
        continue;
      }
      int field = -1;
      for (int f = 0; f < FIELDS.length && field < 0; f++) {
        if (key.startsWith(STATE) && key.endsWith(FIELDS[f])) {
          field = f;
        }
      }
      if (field < 0) {
        throw new IllegalArgumentException("unknown optimizer state key: " + key);
      }
      String name = key.substring(STATE.length(), key.length() - FIELDS[field].length());
      Tensor p = params.get(name);
      if (p == null) {
        throw new IllegalArgumentException("optimizer state for unknown parameter: " + key);
      }
      HostTensor h = e.getValue();
      if (field < 2 && !Arrays.equals(h.shape(), p.shape())) {
        throw new IllegalArgumentException(
            key
                + " has shape "
                + Arrays.toString(h.shape())
                + ", parameter has "
                + Tensors.shapeOf(p));
      }
      byParam.computeIfAbsent(name, k -> new HostTensor[3])[field] = h;
    }
    for (Map.Entry<String, HostTensor[]> e : byParam.entrySet()) {
      for (int f = 0; f < FIELDS.length; f++) {
        if (e.getValue()[f] == null) {
          throw new IllegalArgumentException(
              "missing optimizer state " + STATE + e.getKey() + FIELDS[f]);
        }
      }
    }
    for (Moments m : state.values()) {
      m.release();
    }
    state.clear();
    for (Map.Entry<String, HostTensor[]> e : byParam.entrySet()) {
      Tensor p = params.get(e.getKey());
      HostTensor[] h = e.getValue();
      long step = (long) readScalar(h[2], STATE + e.getKey() + ".step");
      try (PointerScope scope = new PointerScope()) {
        Tensor avg = Tensors.toTorch(h[1]).to(p.scalar_type());
        Tensor avgSq = Tensors.toTorch(h[0]).to(p.scalar_type());
        state.put(e.getKey(), new Moments(avg, avgSq, step));
      }
    }
    for (int g = 0; g < groups.size(); g++) {
      if (haveLr[g]) {
        groups.get(g).lr = lrs[g];
      }
    }
  }

  /** Releases the retained parameter handles and state tensors. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Moments m : state.values()) {
      m.release();
    }
    state.clear();
    for (Tensor p : params.values()) {
      p.releaseReference();
    }
  }

  private int parseGroup(String key) {
    String mid = key.substring(GROUPS.length(), key.length() - ".lr".length());
    int g;
    try {
      g = Integer.parseInt(mid);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("bad param group key: " + key, ex);
    }
    if (g < 0 || g >= groups.size()) {
      throw new IllegalArgumentException(key + ": optimizer has " + groups.size() + " groups");
    }
    return g;
  }

  private static double readScalar(HostTensor h, String key) {
    if (h.numel() != 1) {
      throw new IllegalArgumentException(
          key + " must be a scalar, has shape " + Arrays.toString(h.shape()));
    }
    ByteBuffer b = h.data();
    return switch (h.dtype()) {
      case I64 -> b.getLong(0);
      case F64 -> b.getDouble(0);
      default -> h.toFloats()[0];
    };
  }

  private static HostTensor scalarI64(long v) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
    return new HostTensor(DType.I64, new long[0], b);
  }

  private static HostTensor scalarF64(double v) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0, v);
    return new HostTensor(DType.F64, new long[0], b);
  }

  private void requireParam(String name) {
    if (!params.containsKey(name)) {
      throw new IllegalArgumentException("unknown parameter: " + name);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("optimizer is closed");
    }
  }

  private static void checkLr(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr must be >= 0, got " + lr);
    }
  }
}
