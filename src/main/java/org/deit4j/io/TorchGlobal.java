package org.deit4j.io;

/**
 * The Python globals a {@code .pth} pickle may name: everything {@code torch.save} emits for state
 * dicts and deit/timm training checkpoints, and nothing that can run code. Each is interpreted by
 * {@link RestrictedUnpickler}; none is ever "called".
 */
enum TorchGlobal {
  ORDERED_DICT("collections", "OrderedDict", null),
  REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2", null),
  REBUILD_PARAMETER("torch._utils", "_rebuild_parameter", null),
  NAMESPACE("argparse", "Namespace", null),
  FLOAT_STORAGE("torch", "FloatStorage", DType.F32),
  HALF_STORAGE("torch", "HalfStorage", DType.F16),
  BFLOAT16_STORAGE("torch", "BFloat16Storage", DType.BF16),
  DOUBLE_STORAGE("torch", "DoubleStorage", DType.F64),
  LONG_STORAGE("torch", "LongStorage", DType.I64),
  INT_STORAGE("torch", "IntStorage", DType.I32),
  SHORT_STORAGE("torch", "ShortStorage", DType.I16),
  CHAR_STORAGE("torch", "CharStorage", DType.I8),
  BYTE_STORAGE("torch", "ByteStorage", DType.U8),
  BOOL_STORAGE("torch", "BoolStorage", DType.BOOL);

  final String module;
  final String name;

  /** Element type for the storage classes, null otherwise. */
  final DType storageType;

  TorchGlobal(String module, String name, DType storageType) {
    this.module = module;
    this.name = name;
    this.storageType = storageType;
  }

  /** The allow-listed global with this module and name, or null. */
  static TorchGlobal lookup(String module, String name) {
    for (TorchGlobal g : values()) {
      if (g.module.equals(module) && g.name.equals(name)) {
        return g;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return module + "." + name;
  }
}
