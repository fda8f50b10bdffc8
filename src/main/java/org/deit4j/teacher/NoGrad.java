package org.deit4j.teacher;

import java.util.function.Supplier;
import org.bytedeco.pytorch.NoGradGuard;

/**
 * Runs code with autograd recording off (torch's {@code with torch.no_grad()}), restoring the
 * previous mode afterwards. A plain try/finally instead of try-with-resources, whose unused guard
 * variable -Xlint flags.
 */
final class NoGrad {
  private NoGrad() {}

  static <T> T get(Supplier<T> body) {
    NoGradGuard guard = new NoGradGuard();
    try {
      return body.get();
    } finally {
      guard.close(); // the destructor restores the previous grad mode
    }
  }

  static void run(Runnable body) {
    get(
        () -> {
          body.run();
          return null;
        });
  }
}
