package org.deit4j.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;

/** Conversions between host tensors / Java arrays and libtorch tensors, plus small helpers. */
public final class Tensors {
  private Tensors() {}

  /** libtorch scalar type for a file dtype. */
  public static ScalarType scalarType(DType d) {
    return switch (d) {
      case F64 -> ScalarType.Double;
      case F32 -> ScalarType.Float;
      case F16 -> ScalarType.Half;
      case BF16 -> ScalarType.BFloat16;
      case I64 -> ScalarType.Long;
      case I32 -> ScalarType.Int;
      case I16 -> ScalarType.Short;
      case I8 -> ScalarType.Char;
      case U8 -> ScalarType.Byte;
      case BOOL -> ScalarType.Bool;
    };
  }

  /**
   * File dtype for a libtorch scalar type. JavaCPP materialises enums returned from native code as
   * fresh instances (right {@code value}, ordinal 0), so {@code ==} and {@code switch} need {@link
   * ScalarType#intern()} first.
   */
  public static DType dtype(ScalarType s) {
    return switch (s.intern()) {
      case Double -> DType.F64;
      case Float -> DType.F32;
      case Half -> DType.F16;
      case BFloat16 -> DType.BF16;
      case Long -> DType.I64;
      case Int -> DType.I32;
      case Short -> DType.I16;
      case Char -> DType.I8;
      case Byte -> DType.U8;
      case Bool -> DType.BOOL;
      default -> throw new IllegalArgumentException("unsupported scalar type " + s);
    };
  }

  /** Copies a host tensor into a new CPU libtorch tensor of the same dtype and shape. */
  public static Tensor toTorch(HostTensor h) {
    Engine.init();
    Tensor t =
        torch.empty(
            h.shape(), new TensorOptions(scalarType(h.dtype())), new MemoryFormatOptional());
    long n = t.nbytes();
    if (n > 0) {
      ByteBuffer dst = new BytePointer(t.data_ptr()).capacity(n).asBuffer();
      dst.put(h.data());
    }
    return t;
  }

  /** Copies a libtorch tensor (any device/layout) to a host tensor, row-major. */
  public static HostTensor toHost(Tensor t) {
    Tensor c = t.device().is_cpu() ? t.detach().contiguous() : t.detach().cpu().contiguous();
    long n = c.nbytes();
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
    if (n > 0) {
      out.put(new BytePointer(c.data_ptr()).capacity(n).asBuffer());
      out.flip();
    }
    return new HostTensor(dtype(c.scalar_type()), c.shape(), out);
  }

  /** A float32 tensor holding a copy of {@code values} with the given shape. */
  public static Tensor floats(float[] values, long... shape) {
    return toTorch(HostTensor.ofFloats(values, shape));
  }

  /** All values as floats (converted to F32 first). */
  public static float[] toFloats(Tensor t) {
    return toHost(t.to(ScalarType.Float)).toFloats();
  }

  /** All values as longs (converted to int64 first). */
  public static long[] toLongs(Tensor t) {
    HostTensor h = toHost(t.to(ScalarType.Long));
    long[] out = new long[Math.toIntExact(h.numel())];
    h.data().asLongBuffer().get(out);
    return out;
  }

  /** Shape as a readable string, for errors. */
  public static String shapeOf(Tensor t) {
    return Arrays.toString(t.shape());
  }

  /** Largest absolute elementwise difference (as double). */
  public static double maxAbsDiff(Tensor a, Tensor b) {
    return torch.max(a.to(ScalarType.Double).sub(b.to(ScalarType.Double)).abs()).item_double();
  }
}
