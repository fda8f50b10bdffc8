package org.deit4j.data;

import org.deit4j.augment.Image;

/**
 * A labelled image dataset with random access (torch's map-style {@code Dataset}). Labels are cheap
 * (held in memory); images are decoded on demand, typically on loader worker threads, so
 * implementations must be safe for concurrent {@link #image(int)} calls.
 */
public interface Dataset {
  /** Number of samples. */
  int size();

  /**
   * The decoded RGB image of sample {@code i}.
   *
   * @throws DecodeException if the stored image cannot be read or decoded
   */
  Image image(int i);

  /** Class index of sample {@code i}, in {@code [0, classes().size())}. */
  int label(int i);

  /** Class names in label order. */
  ClassMap classes();

  /** Where sample {@code i} comes from, for messages (a path, or "file#index"). */
  default String source(int i) {
    return "#" + i;
  }

  /** The samples at {@code indices} (in that order), as a dataset. */
  default Dataset subset(int[] indices) {
    return new SubsetDataset(this, indices);
  }

  /**
   * The first {@code n} samples of each class in dataset order (fewer if a class has fewer). The
   * Fashion-MNIST benchmark uses {@code perClass(1000)} of the training set.
   */
  default Dataset perClass(int n) {
    return SubsetDataset.perClass(this, n);
  }
}
