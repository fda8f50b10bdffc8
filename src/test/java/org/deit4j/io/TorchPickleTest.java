package org.deit4j.io;

import static org.deit4j.io.PthAssert.assertSameTensor;
import static org.deit4j.io.PthAssert.pth;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The .pth fixtures of /work/shared/fixtures/pth (see its README), read without executing code. */
class TorchPickleTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void handmadeBenign() throws Exception {
    PthFile f = TorchPickle.read(pth("handmade_benign.pth"));
    Map<?, ?> root = assertInstanceOf(Map.class, f.root());
    assertEquals(List.of("weight", "note"), new ArrayList<>(root.keySet()));
    assertEquals("handmade", root.get("note"));
    HostTensor w = assertInstanceOf(HostTensor.class, root.get("weight"));
    assertArrayEquals(new long[] {2, 2}, w.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, w.toFloats());
    // the root mixes a string in, so it is not a state dict and has none of the usual keys
    assertThrows(PthException.class, () -> f.stateDict(null));
  }

  @Test
  void deitTinyStateDictMatchesTimmSafetensorsBitForBit() throws Exception {
    Map<String, HostTensor> sd =
        TorchPickle.read(pth("deit_tiny_d2_perturbed_state_dict.pth")).stateDict(null);
    JsonNode expected;
    try (InputStream in =
        Files.newInputStream(pth("deit_tiny_d2_perturbed_expected_sha256.json"))) {
      expected = JSON.readTree(in).get("tensors");
    }
    assertEquals(32, sd.size());
    assertEquals(expected.size(), sd.size());
    assertEquals("cls_token", sd.keySet().iterator().next(), "pickle order kept");
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      HostTensor t = sd.get(e.getKey());
      assertTrue(t != null, "missing " + e.getKey());
      assertEquals(e.getValue().get("dtype").asText(), t.dtype().name(), e.getKey());
      long[] shape = new long[e.getValue().get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = e.getValue().get("shape").get(i).asLong();
      }
      assertArrayEquals(shape, t.shape(), e.getKey());
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(t.data());
      assertEquals(
          e.getValue().get("sha256").asText(), HexFormat.of().formatHex(md.digest()), e.getKey());
    }
  }

  @Test
  void halfPrecisionAndIntegersBitExact() throws Exception {
    Map<String, HostTensor> sd = TorchPickle.read(pth("halfprec_state_dict.pth")).stateDict(null);
    SafetensorsFile exp = Safetensors.read(pth("halfprec_expected.safetensors"));
    assertEquals(
        List.of(
            "w_f16",
            "w_bf16",
            "special_f16",
            "special_bf16",
            "w_f32",
            "num_batches_tracked",
            "big_i64"),
        new ArrayList<>(sd.keySet()));
    for (Map.Entry<String, HostTensor> e : sd.entrySet()) {
      assertSameTensor(exp.get(e.getKey()), e.getValue(), e.getKey());
    }
    // bit patterns from pth_globals.json, including torch 1.13's BF16 NaN 0xFFFF
    int[] f16 = {0, 32768, 31744, 64512, 32256, 31743, 64511, 1, 1024, 13653};
    int[] bf16 = {0, 32768, 32640, 65408, 65535, 32639, 1, 128, 16043};
    for (int i = 0; i < f16.length; i++) {
      assertEquals(f16[i], sd.get("special_f16").data().getShort(2 * i) & 0xffff, "f16 " + i);
    }
    for (int i = 0; i < bf16.length; i++) {
      assertEquals(bf16[i], sd.get("special_bf16").data().getShort(2 * i) & 0xffff, "bf16 " + i);
    }
    assertArrayEquals(new long[0], sd.get("num_batches_tracked").shape());
    assertEquals(12345L, sd.get("num_batches_tracked").data().getLong(0));
    assertEquals((1L << 40) + 1, sd.get("big_i64").data().getLong(0));
    assertEquals(-7L, sd.get("big_i64").data().getLong(8));
    assertEquals(1L << 62, sd.get("big_i64").data().getLong(16));
    // exact widening agrees with torch's .float() (NaN as NaN)
    for (String k : List.of("w_f16", "w_bf16", "special_f16", "special_bf16")) {
      float[] mine = sd.get(k).toFloats();
      float[] ref = exp.get(k + ".as_f32").toFloats();
      assertEquals(ref.length, mine.length);
      for (int i = 0; i < ref.length; i++) {
        // JUnit compares floats by floatToIntBits: every NaN equal, -0 distinct from +0
        assertEquals(ref[i], mine[i], k + "[" + i + "]");
      }
    }
  }

  @Test
  void stridedViewsAreGatheredContiguously() throws Exception {
    Map<String, HostTensor> sd = TorchPickle.read(pth("views_state_dict.pth")).stateDict(null);
    SafetensorsFile exp = Safetensors.read(pth("views_expected.safetensors"));
    assertEquals(new ArrayList<>(exp.tensors().keySet()), new ArrayList<>(sd.keySet()));
    for (Map.Entry<String, HostTensor> e : sd.entrySet()) {
      assertSameTensor(exp.get(e.getKey()), e.getValue(), e.getKey());
    }
    // hand-derived: value = flat index + 0.5; view_t[0] = base[1:5, 2] -> flat 10, 18, 26, 34
    assertArrayEquals(
        new float[] {10.5f, 18.5f, 26.5f, 34.5f},
        java.util.Arrays.copyOf(sd.get("view_t").toFloats(), 4));
    assertArrayEquals(new float[] {28.5f}, sd.get("scalar_view").toFloats());
    assertArrayEquals(new long[] {3, 4}, sd.get("expanded").shape());
  }

  @Test
  void trainingCheckpoint() throws Exception {
    PthFile f = TorchPickle.read(pth("deit_training_checkpoint.pth"));
    JsonNode exp;
    try (InputStream in = Files.newInputStream(pth("deit_training_checkpoint_expected.json"))) {
      exp = JSON.readTree(in);
    }
    SafetensorsFile tensors =
        Safetensors.read(pth("deit_training_checkpoint_expected.safetensors"));
    Map<?, ?> root = assertInstanceOf(Map.class, f.root());
    assertEquals(
        List.of("model", "optimizer", "lr_scheduler", "epoch", "args"),
        new ArrayList<>(root.keySet()));
    assertEquals(3L, root.get("epoch"));

    PyNamespace args = assertInstanceOf(PyNamespace.class, root.get("args"));
    assertEquals(Map.of("lr", 5e-4, "model", "deit_tiny"), Map.copyOf(args));

    // model: default lookup finds "model"; same as --key model
    Map<String, HostTensor> model = f.stateDict(null);
    assertEquals(model, f.stateDict("model"));
    List<String> keys = new ArrayList<>();
    exp.get("model_keys").forEach(k -> keys.add(k.asText()));
    assertEquals(keys, new ArrayList<>(model.keySet()));
    for (String k : keys) {
      assertSameTensor(tensors.get("model." + k), model.get(k), k);
    }

    // optimizer state: int param index -> {step (0-dim F32), exp_avg, exp_avg_sq}
    Map<?, ?> opt = assertInstanceOf(Map.class, root.get("optimizer"));
    Map<?, ?> state = assertInstanceOf(Map.class, opt.get("state"));
    List<Long> stateKeys = new ArrayList<>();
    exp.get("optimizer").get("state_keys").forEach(k -> stateKeys.add(k.asLong()));
    assertEquals(stateKeys, new ArrayList<>(state.keySet()));
    int checked = 0;
    for (Long i : stateKeys) {
      Map<?, ?> s = assertInstanceOf(Map.class, state.get(i));
      assertEquals(List.of("step", "exp_avg", "exp_avg_sq"), new ArrayList<>(s.keySet()));
      for (String k : List.of("step", "exp_avg", "exp_avg_sq")) {
        assertSameTensor(
            tensors.get("optimizer.state." + i + "." + k),
            assertInstanceOf(HostTensor.class, s.get(k)),
            i + "." + k);
        checked++;
      }
    }
    assertEquals(tensors.tensors().size(), keys.size() + checked, "every expected tensor compared");
    assertArrayEquals(new long[0], ((HostTensor) ((Map<?, ?>) state.get(0L)).get("step")).shape());

    // param_groups and lr_scheduler: every non-tensor value (params_names is the json's own extra)
    JsonNode groups = exp.get("optimizer").get("param_groups").deepCopy();
    groups.forEach(g -> ((ObjectNode) g).remove("params_names"));
    assertJsonEquals(groups, JSON.valueToTree(opt.get("param_groups")), "param_groups");
    assertJsonEquals(
        exp.get("lr_scheduler"), JSON.valueToTree(root.get("lr_scheduler")), "lr_scheduler");
  }

  /** Structural equality where 3 equals 3L and 1.0 must equal 1.0 exactly (no tolerance). */
  static void assertJsonEquals(JsonNode expected, JsonNode actual, String what) {
    boolean same =
        expected.equals(
            (a, b) -> {
              if (a.isNumber() && b.isNumber()) {
                if (a.isIntegralNumber() && b.isIntegralNumber()) {
                  return Long.compare(a.longValue(), b.longValue());
                }
                return Double.compare(a.doubleValue(), b.doubleValue());
              }
              return a.equals(b) ? 0 : 1;
            },
            actual);
    assertTrue(same, what + ": expected " + expected + " but was " + actual);
  }

  @ParameterizedTest
  @CsvSource({
    "malicious_reduce_os_system.pth, os.system",
    "malicious_in_state_dict.pth, os.system",
    "malicious_stack_global.pth, os.system",
    "malicious_builtins_exec.pth, builtins.exec",
  })
  void maliciousFilesAreRefusedNamingTheGlobal(String file, String global) throws Exception {
    Path pwned = Path.of("/tmp/deit4j_pwned");
    assertFalse(Files.exists(pwned), "precondition: /tmp/deit4j_pwned must not exist");
    UnsafePickleException e =
        assertThrows(UnsafePickleException.class, () -> TorchPickle.read(pth(file)));
    assertEquals(global, e.global());
    assertTrue(e.getMessage().contains("'" + global + "'"), e.getMessage());
    assertThrows(UnsafePickleException.class, () -> WeightFiles.read(pth(file)));
    assertFalse(Files.exists(pwned), "/tmp/deit4j_pwned was created");
  }
}
