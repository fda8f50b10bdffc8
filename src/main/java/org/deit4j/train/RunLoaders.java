package org.deit4j.train;

import java.io.IOException;
import org.deit4j.augment.Normalize;
import org.deit4j.augment.RandomErasing;
import org.deit4j.augment.Recipe;
import org.deit4j.augment.Recipes;
import org.deit4j.data.Dataset;
import org.deit4j.data.DatasetSpec;
import org.deit4j.data.DecodePolicy;
import org.deit4j.data.Loader;
import org.deit4j.data.RandomSampler;
import org.deit4j.data.RepeatedAugSampler;
import org.deit4j.data.Sampler;
import org.deit4j.data.SequentialSampler;
import org.deit4j.dist.Replicas;

/**
 * The two loaders of a run, as deit's {@code main.py} builds them: the training set through the
 * configured recipe with RASampler (or a shuffling sampler) sharded over the workers, the test set
 * through the eval recipe (resize, center crop) in order, each rank taking its shard.
 */
final class RunLoaders {
  private RunLoaders() {}

  /** Normalisation mean of the run: the configured one, else ImageNet's. */
  static double[] mean(TrainConfig c) {
    return c.mean() != null ? c.mean() : Normalize.IMAGENET_MEAN;
  }

  /** Normalisation std of the run: the configured one, else ImageNet's. */
  static double[] std(TrainConfig c) {
    return c.std() != null ? c.std() : Normalize.IMAGENET_STD;
  }

  /**
   * Training loader over {@code train} at {@code size} px for rank {@code rank} of {@code world}.
   */
  static Loader train(TrainConfig c, Dataset train, int size, int world, int rank) {
    Recipe recipe =
        new Recipe(
            c.recipe(),
            size,
            mean(c),
            std(c),
            c.aa(),
            c.reprob(),
            RandomErasing.Mode.valueOf(c.remode().toUpperCase(java.util.Locale.ROOT)),
            0.5,
            c.colorJitter(),
            "bicubic",
            0.875,
            false);
    // deit: RASampler / DistributedSampler(num_replicas=world, rank) over one shared permutation
    Sampler sampler =
        c.repeatedAug()
            ? new RepeatedAugSampler(
                train.size(), c.seed(), world, rank, RepeatedAugSampler.DEFAULT_REPEATS)
            : new RandomSampler(train.size(), c.seed(), world, rank, false);
    return new Loader(
        train,
        sampler,
        recipe.build(),
        new Loader.Config(
            c.batchSize(),
            true,
            c.workers(),
            2,
            Replicas.rankSeed(c.seed(), rank), // augmentations differ per rank
            DecodePolicy.DEFAULT));
  }

  /** Evaluation loader of the configured test set, or null when there is none. */
  static Loader test(TrainConfig c, int size, int world, int rank) throws IOException {
    if (c.testData() == null) {
      return null;
    }
    Dataset test = DatasetSpec.parse(c.testData()).open();
    Recipe eval = Recipes.eval(size).withNormalization(mean(c), std(c));
    return new Loader(
        test,
        new SequentialSampler(test.size(), world, rank),
        eval.build(),
        new Loader.Config(
            Math.max(c.batchSize(), 64), false, c.workers(), 2, 0L, DecodePolicy.DEFAULT));
  }
}
