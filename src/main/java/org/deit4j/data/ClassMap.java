package org.deit4j.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ordered class names of a dataset: index {@code i} is the label the model predicts for {@code
 * names.get(i)} (torchvision's {@code classes} / {@code class_to_idx}). Serialises with Jackson as
 * {@code {"names":[...]}} so it can travel inside checkpoints and prediction files.
 *
 * @param names class names in label order, non-empty, unique
 */
public record ClassMap(List<String> names) {
  /** Fashion-MNIST labels 0..9 (Xiao et al. 2017, the dataset's README). */
  public static final ClassMap FASHION_MNIST =
      of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** MNIST digits "0".."9". */
  public static final ClassMap DIGITS = numbered(10);

  /** CIFAR-10 labels, the order of its {@code batches.meta.txt}. */
  public static final ClassMap CIFAR10 =
      of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  public ClassMap {
    if (names == null || names.isEmpty()) {
      throw new IllegalArgumentException("a class map needs at least one class");
    }
    names = List.copyOf(names);
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw new IllegalArgumentException("duplicate class name '" + n + "'");
      }
    }
  }

  /** A class map from names in label order. */
  public static ClassMap of(String... names) {
    return new ClassMap(List.of(names));
  }

  /** Classes named "0", "1", ... "k-1". */
  public static ClassMap numbered(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("number of classes must be > 0, got " + k);
    }
    List<String> n = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      n.add(Integer.toString(i));
    }
    return new ClassMap(n);
  }

  /** Number of classes. */
  public int size() {
    return names.size();
  }

  /** Name of class {@code index}. */
  public String name(int index) {
    if (index < 0 || index >= names.size()) {
      throw new IndexOutOfBoundsException("class " + index + " of " + names.size());
    }
    return names.get(index);
  }

  /** Label of {@code name}, or -1 if absent. */
  public int indexOf(String name) {
    return names.indexOf(name);
  }
}
