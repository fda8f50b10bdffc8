package org.deit4j.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A torch tensor view on a storage (offset, size and stride in elements, as in {@code
 * torch._utils._rebuild_tensor_v2}) made contiguous. Every index is checked against the storage
 * before a byte is touched; a contiguous view shares the storage bytes instead of copying them.
 */
final class StridedView {
  private StridedView() {}

  /**
   * Row-major bytes of the view.
   *
   * @param storage exactly {@code storageNumel * elemSize} bytes
   * @param what names the tensor in error messages
   * @throws PthException if the view reaches outside the storage or its sizes are invalid
   */
  static ByteBuffer gather(
      ByteBuffer storage,
      int elemSize,
      long storageNumel,
      long offset,
      long[] size,
      long[] stride,
      String what)
      throws PthException {
    String view =
        " (offset "
            + offset
            + ", size "
            + Arrays.toString(size)
            + ", stride "
            + Arrays.toString(stride)
            + ", storage of "
            + storageNumel
            + " elements)";
    if (size.length != stride.length) {
      throw new PthException(what + ": size and stride differ in length" + view);
    }
    if (offset < 0) {
      throw new PthException(what + ": negative storage offset" + view);
    }
    long numel = 1;
    long last = offset; // largest element index the view touches
    try {
      for (int d = 0; d < size.length; d++) {
        if (size[d] < 0 || stride[d] < 0) {
          throw new PthException(what + ": negative size or stride" + view);
        }
        numel = Math.multiplyExact(numel, size[d]);
      }
      if (numel == 0) {
        if (offset > storageNumel) {
          throw new PthException(what + ": storage offset past the storage" + view);
        }
        return ByteBuffer.allocate(0);
      }
      for (int d = 0; d < size.length; d++) {
        last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
      }
      if (Math.multiplyExact(numel, (long) elemSize) > Integer.MAX_VALUE - 8) {
        throw new PthException(what + ": tensor over 2 GiB is not supported" + view);
      }
    } catch (ArithmeticException e) {
      throw new PthException(what + ": view size overflows" + view);
    }
    if (last >= storageNumel) {
      throw new PthException(
          what + ": view reaches element " + last + " outside the storage" + view);
    }
    int nbytes = (int) (numel * elemSize);
    if (isContiguous(size, stride)) {
      return storage.slice((int) (offset * elemSize), nbytes);
    }
    ByteBuffer out = ByteBuffer.allocate(nbytes);
    int rank = size.length; // >= 1 here: a 0-dim view is always contiguous
    long rowLen = size[rank - 1];
    long rowStride = stride[rank - 1];
    long[] idx = new long[rank - 1];
    int dst = 0;
    while (true) {
      long base = offset;
      for (int d = 0; d < rank - 1; d++) {
        base += idx[d] * stride[d];
      }
      if (rowStride == 1) {
        int len = (int) (rowLen * elemSize);
        out.put(dst, storage, (int) (base * elemSize), len);
        dst += len;
      } else {
        for (long j = 0; j < rowLen; j++) {
          out.put(dst, storage, (int) ((base + j * rowStride) * elemSize), elemSize);
          dst += elemSize;
        }
      }
      // odometer over the leading dims (row-major order)
      int d = rank - 2;
      while (d >= 0 && ++idx[d] == size[d]) {
        idx[d] = 0;
        d--;
      }
      if (d < 0) {
        return out;
      }
    }
  }

  /** True if the row-major layout of {@code size} has these strides (size-1 dims ignored). */
  static boolean isContiguous(long[] size, long[] stride) {
    long expected = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      if (size[d] != 1) {
        if (stride[d] != expected) {
          return false;
        }
        expected *= size[d];
      }
    }
    return true;
  }
}
