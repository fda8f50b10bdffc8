package org.deit4j.augment;

import java.util.random.RandomGenerator;

/**
 * One random image-to-image step of a recipe (a torchvision transform before {@code ToTensor}).
 * Never mutates its input; all randomness from {@code rng}.
 */
@FunctionalInterface
public interface ImageTransform {
  /**
   * @param trace receives a label for each random choice that changed the image
   */
  Image apply(Image image, RandomGenerator rng, Trace trace);
}
