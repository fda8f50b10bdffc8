package org.deit4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenBLAS's thread count around single-threaded periods. */
class BlasThreadsTest {
  @BeforeAll
  static void init() {
    Engine.init();
  }

  @Test
  void singleThreadedRestoresTheConfiguredCount() {
    int configured = BlasThreads.configured();
    assumeTrue(configured > 1, "needs a multi-core machine");
    int inside = BlasThreads.singleThreaded(() -> BlasThreads.singleThreaded(BlasThreads::current));
    assertEquals(1, inside);
    assertEquals(configured, BlasThreads.current());
  }

  @Test
  void closingLeavesBackwardSectionsAFailedBackwardLeftOpen() {
    int configured = BlasThreads.configured();
    assumeTrue(configured > 1, "needs a multi-core machine");
    BlasThreads.enterSection(); // what the hook before an attention backward does
    BlasThreads.enterSection();
    assertEquals(2, BlasThreads.openBackwardSections());
    assertEquals(1, BlasThreads.current());
    BlasThreads.closeBackwardSections();
    assertEquals(0, BlasThreads.openBackwardSections());
    assertEquals(configured, BlasThreads.current());
  }

  @Test
  void aThreadClosesOnlyThePeriodsItsOwnBackwardOpened() throws Exception {
    int configured = BlasThreads.configured();
    assumeTrue(configured > 1, "needs a multi-core machine");
    BlasThreads.enterSection(); // this thread's backward is inside a fused kernel
    Thread other = new Thread(BlasThreads::closeBackwardSections); // another run's cleanup
    other.start();
    other.join();
    assertEquals(1, BlasThreads.openBackwardSections());
    assertEquals(1, BlasThreads.current(), "still single-threaded for this thread's kernel");
    BlasThreads.closeBackwardSections();
    assertEquals(configured, BlasThreads.current());
  }
}
