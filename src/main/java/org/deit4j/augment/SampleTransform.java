package org.deit4j.augment;

import java.util.random.RandomGenerator;

/**
 * A whole per-sample pipeline: decoded image in, normalised {@code (C, H, W)} floats out (what
 * torchvision's {@code Compose([... , ToTensor(), Normalize(), RandomErasing()])} produces).
 *
 * <p>All randomness comes from {@code rng}, so a loader that derives {@code rng} from (seed, epoch,
 * sample index) gives the same batch whatever the number of worker threads.
 */
public interface SampleTransform {
  /** Channels, height and width of every output. */
  int[] outputShape();

  /**
   * Transforms one image.
   *
   * @return {@code C*H*W} floats in CHW order
   */
  float[] apply(Image image, RandomGenerator rng);
}
