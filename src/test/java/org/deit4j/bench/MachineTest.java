package org.deit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The machine line names how OpenMP workers wait, as libgomp reads it. */
class MachineTest {
  @Test
  void anExplicitSpinCountWinsOverThePolicy() {
    assertEquals("OpenMP spin 100000", Machine.openMpWait("100000", "PASSIVE"));
    assertEquals("OpenMP wait PASSIVE", Machine.openMpWait(null, "PASSIVE"));
    assertEquals("OpenMP wait default", Machine.openMpWait(" ", null));
  }
}
