package org.deit4j.data;

import java.util.Arrays;
import org.deit4j.augment.Image;

/** A view of some samples of another dataset, in a given order (torch's {@code Subset}). */
public final class SubsetDataset implements Dataset {
  private final Dataset base;
  private final int[] indices;

  /**
   * @param base the full dataset
   * @param indices indices into {@code base} (copied); each in range
   */
  public SubsetDataset(Dataset base, int[] indices) {
    this.base = base;
    this.indices = indices.clone();
    for (int i : this.indices) {
      if (i < 0 || i >= base.size()) {
        throw new IndexOutOfBoundsException("index " + i + " outside dataset of " + base.size());
      }
    }
  }

  /** The first {@code n} samples of every class, keeping dataset order. */
  public static SubsetDataset perClass(Dataset base, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("perClass needs n > 0, got " + n);
    }
    int[] taken = new int[base.classes().size()];
    int[] keep = new int[base.size()];
    int k = 0;
    for (int i = 0; i < base.size(); i++) {
      int c = base.label(i);
      if (taken[c] < n) {
        taken[c]++;
        keep[k++] = i;
      }
    }
    return new SubsetDataset(base, Arrays.copyOf(keep, k));
  }

  /** Index in the base dataset of sample {@code i}. */
  public int baseIndex(int i) {
    return indices[i];
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public Image image(int i) {
    return base.image(indices[i]);
  }

  @Override
  public int label(int i) {
    return base.label(indices[i]);
  }

  @Override
  public ClassMap classes() {
    return base.classes();
  }

  @Override
  public String source(int i) {
    return base.source(indices[i]);
  }
}
