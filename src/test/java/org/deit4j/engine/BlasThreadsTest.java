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
}
