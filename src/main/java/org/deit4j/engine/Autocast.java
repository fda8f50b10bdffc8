package org.deit4j.engine;

import java.util.function.Supplier;
import org.bytedeco.pytorch.global.torch;

/**
 * Runs code under libtorch's CPU autocast (the C++ side of {@code torch.autocast("cpu",
 * dtype=torch.bfloat16)}) when the precision asks for it.
 *
 * <p>Autocast state is thread-local in libtorch, so the region must run on the calling thread,
 * which is where deit4j runs every forward. As in PyTorch's {@code autocast.__exit__}, the cast
 * cache is cleared when the outermost region ends: it holds bf16 copies of the fp32 weights for the
 * duration of one forward (so a weight used twice is cast once), and must not outlive an optimizer
 * step. Backward runs outside the region, as PyTorch recommends; autograd replays the casts in
 * reverse, so gradients reach the fp32 master weights in fp32.
 */
public final class Autocast {
  private Autocast() {}

  /** {@code body()} under autocast for {@code p} ({@link Precision#FP32}: run as is). */
  public static <T> T get(Precision p, Supplier<T> body) {
    if (p == Precision.FP32) {
      return body.get();
    }
    Engine.init();
    boolean wasEnabled = torch.is_autocast_enabled(torch.DeviceType.CPU);
    torch.ScalarType wasType = torch.get_autocast_dtype(torch.DeviceType.CPU).intern();
    torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
    torch.set_autocast_enabled(torch.DeviceType.CPU, true);
    torch.increment_nesting();
    try {
      return body.get();
    } finally {
      torch.set_autocast_enabled(torch.DeviceType.CPU, wasEnabled);
      torch.set_autocast_dtype(torch.DeviceType.CPU, wasType);
      if (torch.decrement_nesting() == 0) {
        torch.clear_cache(); // outermost region: drop the bf16 weight copies
      }
    }
  }

  /** {@code body} under autocast for {@code p}. */
  public static void run(Precision p, Runnable body) {
    get(
        p,
        () -> {
          body.run();
          return null;
        });
  }
}
