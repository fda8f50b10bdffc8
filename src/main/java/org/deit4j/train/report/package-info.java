/**
 * What a training run leaves behind for people to read: the per-epoch log {@code metrics.jsonl}
 * ({@link org.deit4j.train.report.MetricsLog}, {@link org.deit4j.train.report.EpochMetrics}), its
 * headline figures ({@link org.deit4j.train.report.RunSummary}), training curves drawn as PNG with
 * {@code java.awt} in headless mode ({@link org.deit4j.train.report.LineChart}), and a Markdown
 * report tying them together ({@link org.deit4j.train.report.RunReport}). No plotting dependency: a
 * training box needs nothing beyond the JRE to produce its report.
 */
package org.deit4j.train.report;
