package org.deit4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Arms {@link AtomicFiles}'s test seam from the tests of other packages. */
public final class WriteFaults {
  private WriteFaults() {}

  /** Disarms the fault on close. */
  public interface Armed extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Asks {@code fails} about every atomic write, in order, once its content has reached the
   * temporary file; where it answers true, the write fails as on a full disk (IOException "No space
   * left on device") and the target keeps its previous content.
   */
  public static Armed failWrites(Predicate<Path> fails) {
    AtomicFiles.fault =
        (target, tmp) -> {
          if (fails.test(target)) {
            throw new IOException("No space left on device");
          }
        };
    return () -> AtomicFiles.fault = null;
  }

  /** Fails every write of a file named {@code fileName} after the first {@code okWrites}. */
  public static Armed diskFullAfter(String fileName, int okWrites) {
    AtomicInteger writes = new AtomicInteger();
    return failWrites(
        target ->
            target.getFileName().toString().equals(fileName)
                && writes.getAndIncrement() >= okWrites);
  }
}
