package org.deit4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle virtual machine that never executes anything: it understands the protocol-2 opcodes
 * {@code torch.save} emits (plus protocol-4 framing so STACK_GLOBAL is recognised and checked) and
 * interprets only the {@link TorchGlobal} allow-list. Every other opcode or global is an error; a
 * disallowed global is refused the moment GLOBAL/STACK_GLOBAL executes ({@link
 * UnsafePickleException}).
 *
 * <p>Values come out as plain Java: dict/OrderedDict {@code LinkedHashMap}, list {@code ArrayList},
 * tuple unmodifiable {@code List}, str {@code String}, int {@code Long}, float {@code Double}, bool
 * {@code Boolean}, None {@code null}, tensors {@link HostTensor}, {@code argparse.Namespace} {@link
 * PyNamespace}. Opcode semantics follow CPython's {@code pickle.py} / {@code pickletools} docs.
 */
final class RestrictedUnpickler {
  /** Supplies the raw bytes of storage record {@code data/<key>}. */
  interface StorageSource {
    /**
     * Exactly {@code nbytes} bytes of the record, or an exception if it is missing or of another
     * size.
     */
    ByteBuffer load(String key, int nbytes) throws IOException;
  }

  /** Bytes a non-contiguous view may copy beyond twice the stored bytes (anti-amplification). */
  static final long GATHER_SLACK_BYTES = 64L << 20;

  /** Deepest tuple accepted as a dict key (keeps Java's recursive hashCode shallow). */
  static final int MAX_KEY_DEPTH = 32;

  private static final Object MARK_OBJ = new Object();

  private record Storage(String key, DType dtype, long numel, ByteBuffer bytes) {}

  /** Facts about a tuple, computed once when it is built. */
  private record TupleInfo(boolean plain, boolean hashable, int depth) {}

  private final String source;
  private final PickleReader r;
  private final StorageSource storages;
  private final List<Object> stack = new ArrayList<>();
  private final ArrayDeque<Integer> marks = new ArrayDeque<>();
  private final Map<Long, Object> memo = new HashMap<>();
  private final Map<Object, TupleInfo> tuples = new IdentityHashMap<>();
  private final Set<Object> orderedDicts = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<String, Storage> loaded = new HashMap<>();
  private long storedBytes;
  private long copiedBytes;

  RestrictedUnpickler(String source, byte[] pickle, StorageSource storages) {
    this.source = source;
    this.r = new PickleReader(source, pickle);
    this.storages = storages;
  }

  /** Runs the pickle to its STOP opcode and returns the root value. */
  Object load() throws IOException {
    while (r.hasMore()) {
      int at = r.pos;
      int op = r.u8();
      switch (op) {
        case 0x80 -> { // PROTO
          int v = r.u8();
          if (v > 5) {
            throw error(at, "unsupported pickle protocol " + v);
          }
        }
        case 0x95 -> { // FRAME (protocol 4): a length prefix only, the opcodes follow inline
          long n = r.i64();
          if (n < 0 || n > r.remaining()) {
            throw error(at, "FRAME length " + n + " exceeds the pickle");
          }
        }
        case 'c' -> { // GLOBAL "module\nname\n"
          String module = r.line();
          String name = r.line();
          push(global(at, module, name));
        }
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop(at);
          Object module = pop(at);
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw error(at, "STACK_GLOBAL needs two strings");
          }
          push(global(at, m, n));
        }
        case 'q' -> memo.put((long) r.u8(), peek(at)); // BINPUT
        case 'r' -> memo.put(r.u32(), peek(at)); // LONG_BINPUT
        case 0x94 -> memo.put((long) memo.size(), peek(at)); // MEMOIZE
        case 'h' -> push(memoGet(at, r.u8())); // BINGET
        case 'j' -> push(memoGet(at, r.u32())); // LONG_BINGET
        case '(' -> { // MARK
          marks.push(stack.size());
          stack.add(MARK_OBJ);
        }
        case '.' -> { // STOP
          if (stack.size() != 1 || !marks.isEmpty()) {
            throw error(at, "STOP with " + stack.size() + " values on the stack");
          }
          Object root = stack.get(0);
          checkPlain(at, root);
          return root;
        }
        case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
        case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
        case ')' -> push(tuple(List.of())); // EMPTY_TUPLE
        case 't' -> push(tuple(popToMark(at))); // TUPLE
        case 0x85, 0x86, 0x87 -> { // TUPLE1..3
          int n = op - 0x84;
          if (stackTop() < n) {
            throw error(at, PickleOpcodes.name(op) + " needs " + n + " values");
          }
          List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
          stack.subList(stack.size() - n, stack.size()).clear();
          push(tuple(items));
        }
        case 's' -> { // SETITEM
          Object v = pop(at);
          Object k = pop(at);
          setItems(at, peek(at), Collections.singletonList(k), Collections.singletonList(v));
        }
        case 'u' -> { // SETITEMS
          List<Object> kv = popToMark(at);
          if (kv.size() % 2 != 0) {
            throw error(at, "SETITEMS with an odd number of values");
          }
          List<Object> keys = new ArrayList<>();
          List<Object> vals = new ArrayList<>();
          for (int i = 0; i < kv.size(); i += 2) {
            keys.add(kv.get(i));
            vals.add(kv.get(i + 1));
          }
          setItems(at, peek(at), keys, vals);
        }
        case 'a' -> { // APPEND
          Object v = pop(at);
          appendAll(at, peek(at), Collections.singletonList(v));
        }
        case 'e' -> { // APPENDS
          List<Object> items = popToMark(at);
          appendAll(at, peek(at), items);
        }
        case 'R' -> { // REDUCE
          Object args = pop(at);
          Object callable = pop(at);
          push(reduce(at, callable, args));
        }
        case 0x81 -> { // NEWOBJ
          Object args = pop(at);
          Object cls = pop(at);
          push(newObj(at, cls, args));
        }
        case 'b' -> { // BUILD
          Object state = pop(at);
          build(at, peek(at), state);
        }
        case 'Q' -> push(persistentLoad(at, pop(at))); // BINPERSID
        case 'X' -> push(r.utf8(at, r.u32())); // BINUNICODE
        case 0x8c -> push(r.utf8(at, r.u8())); // SHORT_BINUNICODE
        case 'J' -> push((long) r.i32()); // BININT
        case 'K' -> push((long) r.u8()); // BININT1
        case 'M' -> push((long) (r.u8() | (r.u8() << 8))); // BININT2
        case 0x8a -> push(r.long1(at)); // LONG1
        case 'G' ->
            push(Double.longBitsToDouble(Long.reverseBytes(r.i64()))); // BINFLOAT (big-endian)
        case 0x88 -> push(Boolean.TRUE); // NEWTRUE
        case 0x89 -> push(Boolean.FALSE); // NEWFALSE
        case 'N' -> push(null); // NONE
        default -> throw error(at, "unsupported pickle opcode " + PickleOpcodes.name(op));
      }
    }
    throw error(r.pos, "pickle ends without STOP");
  }

  // ---------------------------------------------------------------- globals and calls

  private TorchGlobal global(int at, String module, String name) throws UnsafePickleException {
    TorchGlobal g = TorchGlobal.lookup(module, name);
    if (g == null) {
      throw new UnsafePickleException(source + " (pickle byte " + at + ")", module + "." + name);
    }
    return g;
  }

  private Object reduce(int at, Object callable, Object args) throws IOException {
    if (!(callable instanceof TorchGlobal g)) {
      throw error(at, "REDUCE on " + describe(callable) + ", which is not an allowed callable");
    }
    List<Object> a = tupleArg(at, args, "REDUCE");
    switch (g) {
      case ORDERED_DICT:
      case NAMESPACE:
        return newObj(at, g, args);
      case REBUILD_TENSOR_V2:
        return rebuildTensor(at, a);
      case REBUILD_PARAMETER:
        // _rebuild_parameter(data, requires_grad, backward_hooks): the parameter is its data
        if (a.size() != 3 || !(a.get(0) instanceof HostTensor t)) {
          throw error(at, "_rebuild_parameter expects (tensor, requires_grad, hooks)");
        }
        return t;
      default:
        throw error(at, g + " cannot be called");
    }
  }

  private Object newObj(int at, Object cls, Object args) throws PthException {
    List<Object> a = tupleArg(at, args, "NEWOBJ");
    if (cls == TorchGlobal.ORDERED_DICT && a.isEmpty()) {
      Map<Object, Object> m = new LinkedHashMap<>();
      orderedDicts.add(m);
      return m;
    }
    if (cls == TorchGlobal.NAMESPACE && a.isEmpty()) {
      return new PyNamespace();
    }
    throw error(at, "cannot instantiate " + describe(cls) + " with " + a.size() + " arguments");
  }

  private void build(int at, Object target, Object state) throws PthException {
    if (target instanceof PyNamespace ns) {
      // argparse.Namespace: BUILD sets the instance __dict__
      if (!(state instanceof Map<?, ?> m) || state instanceof PyNamespace) {
        throw error(at, "Namespace state must be a dict");
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw error(at, "Namespace attribute name is not a string");
        }
        ns.put(e.getKey(), e.getValue()); // values were checked when they entered the dict
      }
      return;
    }
    if (orderedDicts.contains(target)) {
      // state_dict()'s OrderedDict carries a `_metadata` attribute (module versions): not needed
      if (state != null && !(state instanceof Map) && !isTuple(state)) {
        throw error(at, "unexpected OrderedDict state " + describe(state));
      }
      return;
    }
    throw error(at, "BUILD on " + describe(target) + " is not supported");
  }

  private Object persistentLoad(int at, Object pid) throws IOException {
    // ('storage', torch.XStorage, key, location, numel)
    if (!isTuple(pid) || ((List<?>) pid).size() != 5) {
      throw error(at, "persistent id is not a 5-tuple");
    }
    List<?> p = (List<?>) pid;
    if (!"storage".equals(p.get(0))
        || !(p.get(1) instanceof TorchGlobal g)
        || g.storageType == null
        || !(p.get(2) instanceof String key)
        || !(p.get(3) instanceof String)
        || !(p.get(4) instanceof Long numel)) {
      throw error(at, "persistent id is not ('storage', StorageClass, key, location, numel)");
    }
    if (numel < 0) {
      throw error(at, "storage '" + key + "' has negative numel " + numel);
    }
    Storage s = loaded.get(key);
    if (s != null) {
      if (s.dtype != g.storageType || s.numel != numel) {
        throw error(at, "storage '" + key + "' is declared twice with different type or size");
      }
      return s;
    }
    long nbytes;
    try {
      nbytes = Math.multiplyExact(numel, (long) g.storageType.size());
    } catch (ArithmeticException e) {
      throw error(at, "storage '" + key + "' size overflows");
    }
    if (nbytes > Integer.MAX_VALUE - 8) {
      throw error(at, "storage '" + key + "' of " + nbytes + " bytes: over 2 GiB is not supported");
    }
    ByteBuffer bytes = storages.load(key, (int) nbytes);
    s = new Storage(key, g.storageType, numel, bytes);
    loaded.put(key, s);
    storedBytes += nbytes;
    return s;
  }

  private HostTensor rebuildTensor(int at, List<Object> a) throws IOException {
    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[,
    // metadata])
    if (a.size() != 6 && a.size() != 7) {
      throw error(at, "_rebuild_tensor_v2 expects 6 or 7 arguments, got " + a.size());
    }
    if (!(a.get(0) instanceof Storage s)
        || !(a.get(1) instanceof Long offset)
        || !(a.get(4) instanceof Boolean)
        || !(a.get(5) instanceof Map)
        || (a.size() == 7 && a.get(6) != null && !(a.get(6) instanceof Map))) {
      throw error(at, "_rebuild_tensor_v2 arguments have the wrong types");
    }
    long[] size = longs(at, a.get(2), "size");
    long[] stride = longs(at, a.get(3), "stride");
    String what = source + " (pickle byte " + at + "): tensor on storage '" + s.key + "'";
    ByteBuffer data =
        StridedView.gather(s.bytes, s.dtype.size(), s.numel, offset, size, stride, what);
    if (!StridedView.isContiguous(size, stride)) {
      copiedBytes += data.capacity();
      if (copiedBytes > 2 * storedBytes + GATHER_SLACK_BYTES) {
        throw error(
            at,
            "strided views would copy "
                + copiedBytes
                + " bytes, far beyond the "
                + storedBytes
                + " stored: refusing");
      }
    }
    return new HostTensor(s.dtype, size, data);
  }

  // ---------------------------------------------------------------- containers

  private void setItems(int at, Object target, List<Object> keys, List<Object> vals)
      throws PthException {
    if (!(target instanceof Map<?, ?>) || target instanceof PyNamespace) {
      throw error(at, "SETITEM(S) on " + describe(target));
    }
    @SuppressWarnings("unchecked") // every map on the stack was created here as Map<Object, Object>
    Map<Object, Object> m = (Map<Object, Object>) target;
    for (int i = 0; i < keys.size(); i++) {
      Object k = keys.get(i);
      checkKey(at, k);
      checkPlain(at, vals.get(i));
      m.put(k, vals.get(i));
    }
  }

  private void appendAll(int at, Object target, List<Object> items) throws PthException {
    if (!(target instanceof ArrayList<?>)) {
      throw error(at, "APPEND(S) on " + describe(target));
    }
    @SuppressWarnings("unchecked") // every ArrayList on the stack was created by EMPTY_LIST
    List<Object> l = (List<Object>) target;
    for (Object v : items) {
      checkPlain(at, v);
      l.add(v);
    }
  }

  private List<Object> tuple(List<Object> items) {
    boolean plain = true;
    boolean hashable = true;
    int depth = 0;
    for (Object o : items) {
      TupleInfo ti = tuples.get(o);
      if (ti != null) {
        plain &= ti.plain;
        hashable &= ti.hashable;
        depth = Math.max(depth, ti.depth);
      } else {
        plain &= !(o instanceof TorchGlobal || o instanceof Storage);
        hashable &=
            o == null
                || o instanceof String
                || o instanceof Long
                || o instanceof Double
                || o instanceof Boolean;
      }
    }
    List<Object> t = Collections.unmodifiableList(new ArrayList<>(items));
    tuples.put(t, new TupleInfo(plain, hashable, depth + 1));
    return t;
  }

  private boolean isTuple(Object o) {
    return o != null && tuples.containsKey(o);
  }

  /** Only data may enter containers or be returned: no class objects, no bare storages. */
  private void checkPlain(int at, Object v) throws PthException {
    TupleInfo ti = v == null ? null : tuples.get(v);
    if (v instanceof TorchGlobal || v instanceof Storage || (ti != null && !ti.plain)) {
      throw error(at, "a class object or bare storage cannot be used as a value");
    }
  }

  private void checkKey(int at, Object k) throws PthException {
    if (k == null
        || k instanceof String
        || k instanceof Long
        || k instanceof Double
        || k instanceof Boolean) {
      return;
    }
    TupleInfo ti = tuples.get(k);
    if (ti == null || !ti.hashable || ti.depth > MAX_KEY_DEPTH) {
      throw error(at, "unsupported dict key " + describe(k));
    }
  }

  private List<Object> tupleArg(int at, Object args, String op) throws PthException {
    if (!isTuple(args)) {
      throw error(at, op + " arguments are not a tuple");
    }
    @SuppressWarnings("unchecked") // tuples are created by tuple()
    List<Object> a = (List<Object>) args;
    return a;
  }

  private long[] longs(int at, Object o, String what) throws PthException {
    if (!isTuple(o)) {
      throw error(at, "tensor " + what + " is not a tuple");
    }
    List<?> l = (List<?>) o;
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long v)) {
        throw error(at, "tensor " + what + " holds a non-integer");
      }
      out[i] = v;
    }
    return out;
  }

  // ---------------------------------------------------------------- stack and input

  private void push(Object o) {
    stack.add(o);
  }

  /** Values above the innermost mark. */
  private int stackTop() {
    return stack.size() - (marks.isEmpty() ? 0 : marks.peek() + 1);
  }

  private Object pop(int at) throws PthException {
    if (stackTop() <= 0) {
      throw error(at, "stack underflow");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek(int at) throws PthException {
    if (stackTop() <= 0) {
      throw error(at, "stack underflow");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popToMark(int at) throws PthException {
    if (marks.isEmpty()) {
      throw error(at, "no MARK on the stack");
    }
    int m = marks.pop();
    List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
    stack.subList(m, stack.size()).clear();
    return items;
  }

  private Object memoGet(int at, long index) throws PthException {
    if (!memo.containsKey(index)) {
      throw error(at, "memo entry " + index + " does not exist");
    }
    return memo.get(index);
  }

  private PthException error(int at, String problem) {
    return r.error(at, problem);
  }

  private String describe(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof TorchGlobal g) {
      return g.toString();
    }
    if (o instanceof Storage s) {
      return "storage '" + s.key + "'";
    }
    if (isTuple(o)) {
      return "a tuple";
    }
    return "a " + o.getClass().getSimpleName();
  }
}
