package org.deit4j.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Headline figures: resumed epochs, ties, missing values, totals. */
class RunSummaryTest {
  private static EpochMetrics row(Integer epoch, Double top1, Double secs, Double ips) {
    EpochMetrics r =
        epoch == null ? EpochMetrics.fromMap(java.util.Map.of()) : EpochMetrics.of(epoch);
    return r.with(EpochMetrics.TEST_TOP1, top1)
        .with(EpochMetrics.EPOCH_SECONDS, secs)
        .with(EpochMetrics.IMAGES_PER_S, ips);
  }

  @Test
  void resumedEpochsKeepTheLastRecordAndMissingEpochsFollowThePrevious() {
    List<EpochMetrics> log =
        List.of(
            row(0, 10.0, 10.0, 100.0),
            row(1, 20.0, 10.0, 100.0),
            row(2, 25.0, 10.0, 100.0), // lost: the run died and resumed from epoch 1
            row(2, 30.0, 12.0, 200.0),
            row(null, 30.0, 12.0, 200.0), // no epoch key: taken as epoch 3
            row(4, null, null, null));
    RunSummary s = RunSummary.of(log);
    assertEquals(List.of(0, 1, 2, 3, 4), s.timeline().stream().map(EpochMetrics::epoch).toList());
    assertEquals(Optional.of(new RunSummary.Point(2, 30.0)), s.max(EpochMetrics.TEST_TOP1));
    assertEquals(Optional.of(new RunSummary.Point(3, 30.0)), s.last(EpochMetrics.TEST_TOP1));
    assertEquals(Optional.of(new RunSummary.Point(0, 10.0)), s.min(EpochMetrics.TEST_TOP1));
    assertEquals(44.0, s.totalSeconds(), 1e-12);
    assertEquals(150.0, s.meanImagesPerS(), 1e-12);
    assertTrue(Double.isNaN(s.peakRssMb()));
    assertEquals(Optional.empty(), s.max(EpochMetrics.TEST_TOP5));
    assertTrue(Double.isNaN(s.series(EpochMetrics.TEST_TOP1)[4]));
  }

  @Test
  void lastKeepsADivergedNaNButBestIgnoresIt() {
    RunSummary s =
        RunSummary.of(
            List.of(
                EpochMetrics.of(0).with(EpochMetrics.TRAIN_LOSS, 2.0),
                EpochMetrics.of(1).with(EpochMetrics.TRAIN_LOSS, Double.NaN)));
    assertTrue(Double.isNaN(s.last(EpochMetrics.TRAIN_LOSS).orElseThrow().value()));
    assertEquals(2.0, s.min(EpochMetrics.TRAIN_LOSS).orElseThrow().value());
    assertTrue(Double.isNaN(RunSummary.of(List.of()).totalSeconds()));
  }
}
