package org.deit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-made pickles: opcode semantics, the allow-list, and clean errors. */
class RestrictedUnpicklerTest {
  @TempDir Path dir;

  static final byte[] STORAGE0 = PickleBuilder.floats(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

  static Object load(byte[] pickle) throws IOException {
    return new RestrictedUnpickler(
            "test.pkl",
            pickle,
            (key, nbytes) -> {
              if (!key.equals("0") || nbytes != STORAGE0.length) {
                throw new PthException("no record " + key + " of " + nbytes);
              }
              return ByteBuffer.wrap(STORAGE0);
            })
        .load();
  }

  static PickleBuilder p2() {
    return new PickleBuilder().proto(2);
  }

  @Test
  void scalarsListsTuplesAndMemo() throws Exception {
    byte[] pk =
        p2().op('}', 'q', 0, '(')
            .str("ints")
            .op('(')
            .int1(255)
            .binint(-5)
            .op('M', 0x34, 0x12)
            .long1(1L << 40, 6)
            .long1(-2, 1)
            .long1(0, 0)
            .op('t') // a tuple of ints
            .str("f")
            .binfloat(-0.25)
            .str("b")
            .op(0x88)
            .str("n")
            .op('N')
            .str("lst")
            .op(']', 'q', 1)
            .str("x")
            .op('a', '(')
            .int1(1)
            .int1(2)
            .op('e')
            .str("same")
            .op('h', 1)
            .shortStr("k2")
            .op(0x89)
            .op('u', '.')
            .bytes();
    Map<?, ?> m = assertInstanceOf(Map.class, load(pk));
    assertEquals(List.of("ints", "f", "b", "n", "lst", "same", "k2"), new ArrayList<>(m.keySet()));
    assertEquals(List.of(255L, -5L, 0x1234L, 1L << 40, -2L, 0L), m.get("ints"));
    assertEquals(-0.25, m.get("f"));
    assertEquals(Boolean.TRUE, m.get("b"));
    assertNull(m.get("n"));
    assertEquals(List.of("x", 1L, 2L), m.get("lst"));
    assertSame(m.get("lst"), m.get("same"), "memo returns the same object");
    assertEquals(Boolean.FALSE, m.get("k2"));
  }

  @Test
  void tupleAndNumberKeysAreAllowed() throws Exception {
    byte[] pk =
        p2().op('}')
            .int1(3)
            .str("three")
            .op('s')
            .int1(1)
            .int1(2)
            .op(0x86)
            .str("pair")
            .op('s', '.')
            .bytes();
    Map<?, ?> m = assertInstanceOf(Map.class, load(pk));
    assertEquals("three", m.get(3L));
    assertEquals("pair", m.get(List.of(1L, 2L)));
  }

  @Test
  void listKeyIsRejected() {
    byte[] pk = p2().op('}', ']').str("v").op('s', '.').bytes();
    PthException e = assertThrows(PthException.class, () -> load(pk));
    assertTrue(e.getMessage().contains("dict key"), e.getMessage());
  }

  @Test
  void protocol4StackGlobalOfAllowedNameWorks() throws Exception {
    byte[] pk =
        new PickleBuilder()
            .proto(4)
            .op(0x95)
            .raw(PickleBuilder.le(20, 8))
            .shortStr("collections")
            .op(0x94)
            .shortStr("OrderedDict")
            .op(0x94, 0x93, 0x94, ')', 'R')
            .shortStr("w")
            .tensor("FloatStorage", "0", 12, 1, new int[] {2, 2}, new int[] {1, 3})
            .op('s', '.')
            .bytes();
    Map<?, ?> m = assertInstanceOf(Map.class, load(pk));
    HostTensor w = assertInstanceOf(HostTensor.class, m.get("w"));
    // storage values 0..11, offset 1, size (2,2), stride (1,3): [[1,4],[2,5]]
    assertArrayEquals(new float[] {1, 4, 2, 5}, w.toFloats());
  }

  @Test
  void rebuildParameterUnwrapsTheTensor() throws Exception {
    byte[] pk =
        p2().global("torch._utils", "_rebuild_parameter")
            .op('(')
            .tensor("FloatStorage", "0", 12, 0, new int[] {12}, new int[] {1})
            .op(0x88, '}', 't', 'R')
            .op('.')
            .bytes();
    HostTensor t = assertInstanceOf(HostTensor.class, load(pk));
    assertEquals(11f, t.toFloats()[11]);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "os system",
        "posix system",
        "builtins eval",
        "subprocess Popen",
        "torch load",
        "torch._utils _rebuild_qtensor",
        "collections defaultdict",
        "__builtin__ open",
        "numpy.core.multiarray _reconstruct",
        "torch Tensor"
      })
  void everyOtherGlobalIsRefusedImmediately(String global) {
    String[] mn = global.split(" ");
    // the refused GLOBAL is the very first opcode after PROTO: nothing before it can run
    byte[] pk = p2().global(mn[0], mn[1]).op(')', 'R', '.').bytes();
    UnsafePickleException e = assertThrows(UnsafePickleException.class, () -> load(pk));
    assertEquals(mn[0] + "." + mn[1], e.global());
    byte[] sg = new PickleBuilder().proto(4).shortStr(mn[0]).shortStr(mn[1]).op(0x93, '.').bytes();
    assertEquals(
        mn[0] + "." + mn[1], assertThrows(UnsafePickleException.class, () -> load(sg)).global());
  }

  @ParameterizedTest
  @ValueSource(
      ints = {'i', 'o', 0x92, 'B', 'C', 'S', 'V', 'P', 'I', 'L', 'F', '0', '2', 0x82, 0x8f})
  void unsupportedOpcodesAreNamed(int op) {
    byte[] pk = p2().op(op, 0, 0, 0, 0, '.').bytes();
    PthException e = assertThrows(PthException.class, () -> load(pk));
    assertTrue(
        e.getMessage().contains("unsupported pickle opcode " + PickleOpcodes.name(op)),
        e.getMessage());
    assertTrue(!PickleOpcodes.name(op).startsWith("<unknown>"), "opcode has a name");
  }

  @Test
  void structuralErrorsAreCleanPthExceptions() {
    List<byte[]> bad =
        List.of(
            p2().bytes(), // no STOP
            p2().op('.').bytes(), // empty stack at STOP
            p2().int1(1).int1(2).op('.').bytes(), // two values at STOP
            p2().op('h', 9, '.').bytes(), // missing memo
            p2().op('s', '.').bytes(), // underflow
            p2().op('(', 'R', '.').bytes(), // REDUCE across a mark
            p2().op('X', 0xff, 0xff, 0xff, 0x7f).bytes(), // string past the end
            p2().op('X', 2, 0, 0, 0, 0xc3, 0x28, '.').bytes(), // invalid UTF-8
            p2().op('c').bytes(), // unterminated GLOBAL
            p2().int1(1).op(')', 'R', '.').bytes(), // calling an int
            p2().global("torch", "FloatStorage")
                .op(')', 'R', '.')
                .bytes(), // calling a storage class
            p2().global("collections", "OrderedDict").op('.').bytes(), // class object as result
            p2().op(']').global("collections", "OrderedDict").op('a', '.').bytes(), // ... in a list
            p2().op('}').int1(1).op('b', '.').bytes(), // BUILD on a plain dict
            p2().op(0x8a, 9).bytes(), // LONG1 too big
            p2().op('(')
                .str("storage")
                .global("torch", "FloatStorage")
                .str("0")
                .str("cpu")
                .int1(11)
                .op('t', 'Q', '.')
                .bytes(), // storage record of the wrong size
            new PickleBuilder().proto(9).bytes());
    for (int i = 0; i < bad.size(); i++) {
      int k = i;
      assertThrows(PthException.class, () -> load(bad.get(k)), "case " + k);
    }
  }

  @Test
  void viewsOutsideTheStorageAreRejected() {
    int[][][] views = { // {size, stride, {offset}}
      {{13}, {1}, {0}},
      {{4}, {4}, {0}},
      {{2, 2}, {6, 1}, {7}},
      {{1}, {1}, {12}},
      {{2}, {-1}, {3}},
      {{-1}, {1}, {0}},
      {{2}, {1, 1}, {0}},
      {{2}, {1}, {-1}}
    };
    for (int[][] v : views) {
      byte[] pk = p2().tensor("FloatStorage", "0", 12, v[2][0], v[0], v[1]).op('.').bytes();
      assertThrows(PthException.class, () -> load(pk), java.util.Arrays.deepToString(v));
    }
  }

  @Test
  void emptyAndZeroDimViews() throws Exception {
    byte[] empty =
        p2().tensor("FloatStorage", "0", 12, 12, new int[] {0, 5}, new int[] {5, 1})
            .op('.')
            .bytes();
    assertEquals(0, ((HostTensor) load(empty)).numel());
    byte[] scalar =
        p2().tensor("FloatStorage", "0", 12, 11, new int[0], new int[0]).op('.').bytes();
    assertArrayEquals(new float[] {11}, ((HostTensor) load(scalar)).toFloats());
  }

  @Test
  void namespaceBecomesAnInertMap() throws Exception {
    byte[] pk =
        p2().global("argparse", "Namespace")
            .op(')', 0x81, '}', '(')
            .str("lr")
            .binfloat(5e-4)
            .str("model")
            .str("deit_tiny")
            .op('u', 'b', '.')
            .bytes();
    // as pickled by deit's main.py: GLOBAL; EMPTY_TUPLE; NEWOBJ; BUILD {...}
    PyNamespace ns = assertInstanceOf(PyNamespace.class, load(pk));
    assertEquals(Map.of("lr", 5e-4, "model", "deit_tiny"), Map.copyOf(ns));
  }

  @Test
  void zipLevelChecks() throws Exception {
    byte[] pk =
        p2().global("collections", "OrderedDict")
            .op(')', 'R')
            .str("w")
            .tensor("FloatStorage", "0", 12, 0, new int[] {3, 4}, new int[] {4, 1})
            .op('s', '.')
            .bytes();
    Path ok = PickleBuilder.writePth(dir.resolve("ok.pth"), pk, Map.of("0", STORAGE0));
    Map<String, HostTensor> sd = WeightFiles.read(ok);
    assertArrayEquals(new long[] {3, 4}, sd.get("w").shape());
    assertEquals(WeightFiles.Format.PTH, WeightFiles.detect(ok));

    Path missing = PickleBuilder.writePth(dir.resolve("missing.pth"), pk, Map.of());
    assertTrue(
        assertThrows(PthException.class, () -> TorchPickle.read(missing))
            .getMessage()
            .contains("missing record 'archive/data/0'"));
    Path shortRec =
        PickleBuilder.writePth(
            dir.resolve("short.pth"), pk, Map.of("0", java.util.Arrays.copyOf(STORAGE0, 44)));
    assertThrows(PthException.class, () -> TorchPickle.read(shortRec));

    Path notZip = Files.write(dir.resolve("junk.pth"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
    assertThrows(PthException.class, () -> TorchPickle.read(notZip));
    Path legacy =
        Files.write(
            dir.resolve("legacy.pt"),
            new byte[] {
              (byte) 0x80,
              2,
              (byte) 0x8a,
              10,
              0x6c,
              (byte) 0xfc,
              (byte) 0x9c,
              0x46,
              (byte) 0xf9,
              0x20,
              0x6a,
              (byte) 0xa8,
              0x50,
              0x19
            });
    assertTrue(
        assertThrows(PthException.class, () -> WeightFiles.read(legacy))
            .getMessage()
            .contains("legacy"));
  }

  @Test
  void stateDictSelection() throws Exception {
    byte[] pk =
        p2().op('}', '(')
            .str("epoch")
            .int1(3)
            .str("model_ema")
            .global("collections", "OrderedDict")
            .op(')', 'R')
            .str("a")
            .tensor("FloatStorage", "0", 12, 0, new int[] {1}, new int[] {1})
            .op('s')
            .str("state_dict")
            .op('}')
            .str("b")
            .tensor("FloatStorage", "0", 12, 1, new int[] {1}, new int[] {1})
            .op('s')
            .op('u', '.')
            .bytes();
    PthFile f = new PthFile(Path.of("x.pth"), load(pk));
    assertEquals(List.of("b"), new ArrayList<>(f.stateDict(null).keySet()), "state_dict first");
    assertEquals(List.of("a"), new ArrayList<>(f.stateDict("model_ema").keySet()));
    PthException e = assertThrows(PthException.class, () -> f.stateDict("nope"));
    assertTrue(e.getMessage().contains("epoch, model_ema, state_dict"), e.getMessage());
    assertThrows(PthException.class, () -> f.stateDict("epoch"));
  }
}
