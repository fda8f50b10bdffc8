package org.deit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Invariants of the design-space to stages mapping over random RegNetY-like configs. */
class RegNetDesignProperties {
  @Property(tries = 300, seed = "20260101")
  void stagesAreConsistent(
      @ForAll @IntRange(min = 1, max = 40) int w0Eighths,
      @ForAll @DoubleRange(min = 0, max = 120) double wa,
      @ForAll @DoubleRange(min = 1.2, max = 3.0) double wm,
      @ForAll @IntRange(min = 1, max = 30) int depth,
      @ForAll @IntRange(min = 1, max = 256) int groupSize,
      @ForAll boolean torchvisionRounding) {
    RegNetConfig c =
        RegNetConfig.regNetY(
            w0Eighths * 8, wa, wm, depth, groupSize, torchvisionRounding ? 0.9 : 0);
    int[] blocks = c.blockWidths();
    for (int i = 1; i < blocks.length; i++) {
      assertTrue(blocks[i] >= blocks[i - 1], "block widths never shrink");
    }
    long runs = java.util.Arrays.stream(blocks).distinct().count();
    Assume.that(runs <= 4); // more stages would need dilation: rejected, see below
    List<StageSpec> stages = c.stages();
    assertEquals(runs, stages.size());
    int total = 0;
    int prev = c.stemWidth();
    for (StageSpec s : stages) {
      total += s.depth();
      assertEquals(prev, s.inWidth());
      assertEquals(2, s.stride());
      assertEquals(0, s.width() % s.groupWidth(), "width divisible by group width");
      assertEquals(s.width(), s.bottleneckWidth(), "bottle ratio 1");
      assertTrue(s.groupWidth() <= groupSize);
      assertEquals((int) Math.rint(s.inWidth() * 0.25), s.seChannels(0));
      prev = s.width();
    }
    assertEquals(depth, total);
    assertTrue(c.paramCount() > 0);
  }

  @Property(tries = 50, seed = "20260101")
  void moreThanFourStagesAreRejected(@ForAll @IntRange(min = 8, max = 30) int depth) {
    // wm barely above 1 with a steep slope: a new width almost every block.
    RegNetConfig c = RegNetConfig.regNetY(8, 100, 1.05, depth, 8, 0);
    Assume.that(java.util.Arrays.stream(c.blockWidths()).distinct().count() > 4);
    try {
      c.stages();
      throw new AssertionError("expected rejection");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("dilation"), e.getMessage());
    }
  }
}
