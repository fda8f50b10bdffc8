package org.deit4j.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** Arms {@link AtomicFiles}'s test seam from the tests of other packages. */
public final class WriteFaults {
  private WriteFaults() {}

  /** Disarms the fault on close. */
  public interface Armed extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Makes every atomic write of a file named {@code fileName} after the first {@code okWrites} fail
   * as a full disk does: with an IOException "No space left on device" once the content has reached
   * the temporary file.
   */
  public static Armed diskFullAfter(String fileName, int okWrites) {
    AtomicInteger writes = new AtomicInteger();
    AtomicFiles.fault =
        (target, tmp) -> {
          if (target.getFileName().toString().equals(fileName)
              && writes.getAndIncrement() >= okWrites) {
            throw new IOException("No space left on device");
          }
        };
    return () -> AtomicFiles.fault = null;
  }
}
