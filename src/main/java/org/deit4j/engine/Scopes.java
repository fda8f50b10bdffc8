package org.deit4j.engine;

import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Native-memory scoping below the step level. A Java {@code Tensor} holds its native tensor until
 * the enclosing {@code PointerScope} closes, so without this every intermediate of a whole forward
 * (conv, BN and ReLU outputs of every block) stays alive until the step ends, whether autograd
 * needs it or not: the {@code regnety_160} teacher's forward at batch 64 peaked at 14.9 GB that
 * way. Autograd keeps what backward needs through its own C++ references, so freeing the Java
 * handles early is safe in training too.
 */
public final class Scopes {
  private Scopes() {}

  /**
   * Runs {@code body} in its own scope and frees everything it allocated except its result, which
   * moves to the caller's scope (or, without one, keeps a reference the garbage collector drops).
   */
  public static Tensor keepResult(Supplier<Tensor> body) {
    PointerScope outer = PointerScope.getInnerScope();
    try (PointerScope inner = new PointerScope()) {
      Tensor y = body.get();
      if (outer != null) {
        outer.attach(y); // +1 reference, owned by the caller's scope
      } else {
        y.retainReference();
      }
      inner.detach(y); // -1 if it was created inside (a no-op otherwise)
      return y;
    }
  }
}
