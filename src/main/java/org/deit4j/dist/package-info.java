/**
 * Data-parallel training over libtorch's c10d: a {@code torchrun}-like {@link
 * org.deit4j.dist.Launcher}, the worker environment ({@link org.deit4j.dist.DistEnv}), the
 * collectives a training step needs ({@link org.deit4j.dist.Replicas}, implemented over {@code
 * ProcessGroupGloo} by {@link org.deit4j.dist.GlooReplicas}), gradient averaging during backward by
 * c10d's {@code Reducer} ({@link org.deit4j.dist.OverlappedReducer}) or after it ({@link
 * org.deit4j.dist.GradientBuckets}), and sharded evaluation ({@link
 * org.deit4j.data.SequentialSampler} shards, {@link org.deit4j.dist.ShardedEval}).
 */
package org.deit4j.dist;
