package org.deit4j.augment;

import java.util.ArrayList;
import java.util.List;

/**
 * Receives a short label for each random choice a transform makes ("Rotate(9.2,-)", "hflip", "erase
 * 31x12"), for preview grids and debugging. {@link #NONE} discards them at no cost.
 */
@FunctionalInterface
public interface Trace {
  /** Discards everything. */
  Trace NONE = label -> {};

  /** Records one applied step. */
  void note(String label);

  /** A trace that collects labels in order. */
  static Recorder recorder() {
    return new Recorder();
  }

  /** Collects labels in order. */
  final class Recorder implements Trace {
    private final List<String> labels = new ArrayList<>();

    @Override
    public void note(String label) {
      labels.add(label);
    }

    /** The labels so far (a copy). */
    public List<String> labels() {
      return List.copyOf(labels);
    }
  }
}
