package org.deit4j.bench;

import java.util.random.RandomGenerator;
import org.deit4j.augment.Image;
import org.deit4j.augment.SampleTransform;

/**
 * A cheap stand-in for the training recipe, for loader benchmarks only: nearest-neighbour resize to
 * {@code size x size}, random horizontal flip, {@code ToTensor} and ImageNet normalisation.
 */
public final class NearestResizeToTensor implements SampleTransform {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  private final int size;

  public NearestResizeToTensor(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
    this.size = size;
  }

  @Override
  public int[] outputShape() {
    return new int[] {3, size, size};
  }

  @Override
  public float[] apply(Image image, RandomGenerator rng) {
    boolean flip = rng.nextBoolean();
    int w = image.width();
    int h = image.height();
    byte[] rgb = image.rgb();
    float[] out = new float[3 * size * size];
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      int sy = (int) ((y + 0.5) * h / size);
      for (int x = 0; x < size; x++) {
        int sx = (int) ((x + 0.5) * w / size);
        if (flip) {
          sx = w - 1 - sx;
        }
        int src = (sy * w + sx) * 3;
        int dst = y * size + x;
        for (int c = 0; c < 3; c++) {
          out[c * plane + dst] = ((rgb[src + c] & 0xff) / 255f - MEAN[c]) / STD[c];
        }
      }
    }
    return out;
  }
}
