package org.deit4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, row-major tensor held in Java (heap or mapped) memory: what file formats read and write
 * before anything reaches libtorch. The buffer holds exactly {@code numel * dtype.size()} bytes,
 * little-endian.
 *
 * @param dtype element type
 * @param shape dimensions (empty for a scalar)
 * @param data little-endian bytes, position 0, limit = byte size
 */
public record HostTensor(DType dtype, long[] shape, ByteBuffer data) {
  public HostTensor {
    shape = shape.clone();
    long n = numel(shape);
    if (Math.multiplyExact(n, (long) dtype.size()) != data.remaining()) {
      throw new IllegalArgumentException(
          "buffer has "
              + data.remaining()
              + " bytes, shape "
              + Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + n * dtype.size());
    }
    data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Product of the dimensions, overflow-checked. */
  public static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Number of elements. */
  public long numel() {
    return numel(shape);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** A read-only little-endian view of the bytes. */
  @Override
  public ByteBuffer data() {
    return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** An F32 tensor from floats. */
  public static HostTensor ofFloats(float[] values, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new HostTensor(DType.F32, shape, b);
  }

  /** Values widened to float (F32, F16, BF16, F64 and integer types). */
  public float[] toFloats() {
    int n = Math.toIntExact(numel());
    float[] out = new float[n];
    ByteBuffer b = data();
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (dtype) {
            case F32 -> b.getFloat(4 * i);
            case F64 -> (float) b.getDouble(8 * i);
            case F16 -> halfToFloat(b.getShort(2 * i));
            case BF16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
            case I64 -> b.getLong(8 * i);
            case I32 -> b.getInt(4 * i);
            case I16 -> b.getShort(2 * i);
            case I8 -> b.get(i);
            case U8, BOOL -> b.get(i) & 0xff;
          };
    }
    return out;
  }

  /** IEEE 754 binary16 to float (Java 17 has no {@code Float.float16ToFloat}). */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) { // Inf / NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: value = mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t
        && t.dtype == dtype
        && Arrays.equals(t.shape, shape)
        && t.data().equals(data());
  }

  @Override
  public int hashCode() {
    return 31 * dtype.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "HostTensor[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
