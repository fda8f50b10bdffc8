package org.deit4j.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tick positions and labels: 1-2-5 steps, decades on a log axis, clean decimals. */
class AxisTest {
  private static List<String> labels(List<Axis.Tick> ticks) {
    return ticks.stream().filter(Axis.Tick::major).map(Axis.Tick::label).toList();
  }

  @Test
  void niceStepsAreOneTwoFiveTimesAPowerOfTen() {
    assertEquals(0.1, Axis.niceStep(0.13), 1e-15);
    assertEquals(0.2, Axis.niceStep(0.15), 1e-15);
    assertEquals(0.5, Axis.niceStep(0.7), 1e-15);
    assertEquals(1.0, Axis.niceStep(0.75), 1e-15);
    assertEquals(2.0, Axis.niceStep(3), 1e-15);
    assertEquals(5.0, Axis.niceStep(3.3), 1e-15);
    assertEquals(10.0, Axis.niceStep(10), 1e-15);
    assertEquals(50.0, Axis.niceStep(37), 1e-15);
  }

  @Test
  void linearTicksHaveCleanLabels() {
    assertEquals(
        List.of("0.0", "0.1", "0.2", "0.3"), labels(new Axis(-0.01, 0.31, false).ticks(4, 0)));
    assertEquals(
        List.of("0", "50", "100", "150", "200", "250", "300"),
        labels(new Axis(-6, 305, false).ticks(8, 1)));
    assertEquals(
        List.of("-1.0", "-0.5", "0.0", "0.5"), labels(new Axis(-1.2, 0.7, false).ticks(4, 0)));
    assertEquals("2e6", Axis.format(2e6, 1e6));
    assertEquals("1.5e-5", Axis.format(1.5e-5, 5e-6));
  }

  @Test
  void integerAxisNeverStepsBelowOne() {
    assertEquals(List.of("0", "1", "2", "3"), labels(new Axis(-0.1, 3.1, false).ticks(12, 1)));
  }

  @Test
  void logTicksAreDecadesWithMinorTicks() {
    List<Axis.Tick> t = new Axis(8e-7, 6e-4, true).ticks(6, 0);
    assertEquals(List.of("1e-6", "1e-5", "1e-4"), labels(t));
    assertTrue(t.stream().anyMatch(x -> !x.major()), "minor ticks at 2..9 x 10^k");
    // less than a decade: 1-2-5 mantissas are labelled
    assertEquals(List.of("0.2", "0.5"), labels(new Axis(0.15, 0.9, true).ticks(6, 0)));
    assertEquals(List.of("0.01", "0.1", "1", "10"), labels(new Axis(0.009, 20, true).ticks(6, 0)));
    // many decades: every other decade is labelled
    assertEquals(
        List.of("1e-8", "1e-6", "1e-4", "1e-2", "1e0"),
        labels(new Axis(1e-8, 1, true).ticks(5, 0)));
  }

  @Test
  void degenerateRangesAreWidenedAroundTheValue() {
    Axis a = Axis.fit(5, 5, false, 0.05);
    assertTrue(a.lo() < 5 && a.hi() > 5);
    assertEquals(0.5, a.fraction(5), 1e-12);
    Axis z = Axis.fit(0, 0, false, 0.05);
    assertEquals(0.5, z.fraction(0), 1e-12);
    Axis noise = Axis.fit(0.1, 0.1 + 1e-17, false, 0.05); // rounding noise: still a constant
    assertTrue(noise.hi() - noise.lo() > 0.01, "range " + (noise.hi() - noise.lo()));
    assertTrue(new Axis(1e20, 1e20 + 1e6, false).ticks(5, 0).isEmpty(), "no absurd ticks");
    Axis l = Axis.fit(1e-3, 1e-3, true, 0.05);
    assertEquals(0.5, l.fraction(1e-3), 1e-12);
  }
}
