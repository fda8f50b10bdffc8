package org.deit4j.data;

import java.nio.LongBuffer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.engine.Engine;

/**
 * Random permutations drawn by libtorch itself, so they equal PyTorch's {@code torch.randperm(n,
 * generator=torch.Generator().manual_seed(seed))} (CPU mt19937, Fisher-Yates) bit for bit. deit's
 * {@code RASampler} and torch's {@code DistributedSampler} shuffle this way.
 */
public final class TorchRandom {
  private TorchRandom() {}

  /**
   * {@code torch.randperm(n, generator=torch.Generator().manual_seed(seed))}.
   *
   * @param n permutation length, {@code >= 0}
   * @param seed generator seed (torch's {@code manual_seed}); negative values are taken as their
   *     unsigned 64-bit pattern as torch does
   * @return a permutation of {@code 0..n-1}
   */
  // PointerScope frees what is created while it is open; it is never referenced by name.
  @SuppressWarnings("try")
  public static int[] randperm(int n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("randperm length must be >= 0, got " + n);
    }
    Engine.init();
    int[] out = new int[n];
    try (PointerScope scope = new PointerScope()) {
      Generator g = torch.createCPUGenerator(seed);
      // manual_seed: reseeds mt19937 and clears cached normals, like torch.Generator().manual_seed.
      g.set_current_seed(seed);
      Tensor perm =
          torch
              .randperm(n, new GeneratorOptional(g), new TensorOptions(ScalarType.Long))
              .contiguous();
      LongBuffer b = new LongPointer(perm.data_ptr()).capacity(n).asBuffer();
      for (int i = 0; i < n; i++) {
        out[i] = Math.toIntExact(b.get(i));
      }
    }
    return out;
  }
}
