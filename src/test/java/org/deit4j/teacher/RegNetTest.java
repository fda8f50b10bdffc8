package org.deit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.Engine;
import org.deit4j.engine.NamedTensors;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;
import org.deit4j.io.StateDict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Module structure, names, counts, init and state-dict handling of {@link RegNet}. */
class RegNetTest {
  @BeforeAll
  static void init() {
    Engine.init();
  }

  @Test
  void regnety002StateDictKeysShapesAndOrderAreTimms() throws IOException {
    JsonNode want = RegNetConfigTest.presetsJson().get("regnety_002_state_dict");
    RegNet m = RegNet.preset("regnety_002");
    Map<String, Tensor> got = NamedTensors.stateDict(m);
    List<String> wantKeys = new ArrayList<>();
    for (JsonNode e : want) {
      String key = e.get(0).asText();
      wantKeys.add(key);
      Tensor t = got.get(key);
      assertTrue(t != null, "missing " + key);
      long[] shape = new long[e.get(1).size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = e.get(1).get(i).asLong();
      }
      assertArrayEquals(shape, t.shape(), key);
      DType dt = e.get(2).asText().equals("int64") ? DType.I64 : DType.F32;
      assertEquals(dt, org.deit4j.engine.Tensors.dtype(t.scalar_type()), key);
    }
    assertEquals(wantKeys, List.copyOf(got.keySet()));
    assertEquals(318, got.size());
  }

  @Test
  void namedParametersPlusBuffersAreTheStateDictKeys() throws IOException {
    RegNet m = RegNet.preset("regnety_002");
    List<String> names = new ArrayList<>(keys(m.named_parameters()));
    names.addAll(keys(m.named_buffers()));
    List<String> want = new ArrayList<>();
    RegNetConfigTest.presetsJson()
        .get("regnety_002_state_dict")
        .forEach(e -> want.add(e.get(0).asText()));
    assertEquals(want.stream().sorted().toList(), names.stream().sorted().toList());
  }

  private static List<String> keys(StringTensorDict d) {
    List<String> out = new ArrayList<>();
    for (long i = 0; i < d.size(); i++) {
      out.add(d.get(i).key().getString());
    }
    Reference.reachabilityFence(d);
    return out;
  }

  /**
   * Builds the 84M-parameter model (3-8 s on a busy 2-core box): run with -Dgroups=slow
   * -Dsurefire.excludedGroups=
   */
  @Test
  @Tag("slow")
  void regnety160StateDictNamesAreTimms() throws IOException {
    List<String> want = new ArrayList<>();
    RegNetConfigTest.presetsJson()
        .get("regnety_160_state_dict_names")
        .forEach(e -> want.add(e.asText()));
    RegNet m = RegNet.preset("regnety_160");
    assertEquals(want, List.copyOf(NamedTensors.stateDict(m).keySet()));
    assertEquals(83_590_140L, m.numParams());
  }

  @ParameterizedTest
  @ValueSource(strings = {"regnety_002", "regnety_004", "regnety_006", "regnety_008_tv"})
  void instantiatedParamCountMatchesTimm(String name) throws IOException {
    JsonNode p = RegNetConfigTest.presetsJson().get("presets").get(name);
    RegNet m = RegNet.preset(name);
    assertEquals(p.get("param_count_1000_classes").asLong(), m.numParams());
    assertEquals(m.config().paramCount(), m.numParams());
    assertEquals(p.get("state_dict_entries").asInt(), NamedTensors.stateDict(m).size());
  }

  @Test
  void fashionMnistTeacherHas3907554Params() {
    RegNet m = new RegNet(RegNetConfig.preset("regnety_004").withStemStride(1).withNumClasses(10));
    assertEquals(3_907_554L, m.numParams());
    // (its 28 px forward is covered by RegNetParityTest's stem-stride-1 case on regnety_002)
  }

  @Test
  void headlessModelReturnsPooledFeatures() {
    RegNet m = new RegNet(RegNetConfig.preset("regnety_002").withNumClasses(0));
    assertTrue(NamedTensors.stateDict(m).keySet().stream().noneMatch(k -> k.startsWith("head")));
    m.eval();
    assertArrayEquals(new long[] {1, 368}, m.forward(torch.randn(1, 3, 32, 32)).shape());
  }

  @Test
  void initFollowsTimm() {
    torch.manual_seed(0);
    RegNet m = RegNet.preset("regnety_002");
    Map<String, Tensor> e = NamedTensors.stateDict(m);
    // conv: N(0, sqrt(2 / fan_out)); s4.b1.conv2: 3*3*368/46 = 72 -> std 1/6, 368*8*9 samples.
    double std = e.get("s4.b1.conv2.conv.weight").std().item_double();
    assertEquals(Math.sqrt(2.0 / 72), std, 0.01);
    // stem: fan_out = 9 * 32 = 288
    assertEquals(Math.sqrt(2.0 / 288), e.get("stem.conv.weight").std().item_double(), 0.01);
    // Linear N(0, 0.01)
    assertEquals(0.01, e.get("head.fc.weight").std().item_double(), 0.0005);
    assertEquals(0.0, e.get("head.fc.bias").abs().max().item_double());
    assertEquals(0.0, e.get("s2.b1.se.fc1.bias").abs().max().item_double());
    for (Map.Entry<String, Tensor> kv : e.entrySet()) {
      String k = kv.getKey();
      if (k.endsWith("bn.weight")) {
        double want = k.endsWith("conv3.bn.weight") ? 0.0 : 1.0; // zero_init_last
        assertEquals(want, kv.getValue().min().item_double(), k);
        assertEquals(want, kv.getValue().max().item_double(), k);
      } else if (k.endsWith("bn.bias") || k.endsWith("running_mean")) {
        assertEquals(0.0, kv.getValue().abs().max().item_double(), k);
      } else if (k.endsWith("running_var")) {
        assertEquals(1.0, kv.getValue().min().item_double(), k);
      }
    }
  }

  @Test
  void stateDictRoundTripsTheFixtureBitForBit() throws IOException {
    Map<String, HostTensor> sd = Fixtures.safetensors("regnety_002_c10_perturbed.safetensors");
    RegNet m = new RegNet(RegNetConfig.preset("regnety_002").withNumClasses(10));
    StateDict.LoadReport r = m.loadStateDict(sd, true);
    assertTrue(r.clean());
    Map<String, HostTensor> back = m.stateDict();
    assertEquals(sd.keySet(), back.keySet());
    for (String k : sd.keySet()) {
      assertEquals(sd.get(k), back.get(k), k);
    }
    assertEquals(2_797_686L, m.numParams());
  }

  @Test
  void strictLoadListsEveryProblemInOneMessage() throws IOException {
    Map<String, HostTensor> sd =
        new LinkedHashMap<>(Fixtures.safetensors("regnety_002_c10_perturbed.safetensors"));
    sd.remove("s3.b2.se.fc1.bias");
    sd.remove("stem.bn.num_batches_tracked");
    sd.put("final_conv.weight", HostTensor.ofFloats(new float[] {1f}, 1));
    RegNet m = RegNet.preset("regnety_002"); // 1000 classes: head.fc is the wrong shape
    IllegalArgumentException ex =
        assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, true));
    String msg = ex.getMessage();
    for (String k :
        List.of(
            "s3.b2.se.fc1.bias",
            "stem.bn.num_batches_tracked",
            "final_conv.weight",
            "head.fc.weight: file [10, 368] vs model [1000, 368]",
            "head.fc.bias")) {
      assertTrue(msg.contains(k), () -> k + " not in: " + msg);
    }
    // Shape mismatches fail even when not strict; nothing was copied.
    assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, false));
    assertEquals(0.0, NamedTensors.stateDict(m).get("stem.bn.bias").abs().max().item_double());
  }

  @Test
  void nonStrictLoadReportsMissingAndUnexpected() throws IOException {
    Map<String, HostTensor> sd =
        new LinkedHashMap<>(Fixtures.safetensors("regnety_002_c10_perturbed.safetensors"));
    sd.remove("head.fc.weight");
    sd.remove("head.fc.bias");
    sd.put("extra", HostTensor.ofFloats(new float[] {1f}, 1));
    RegNet m = RegNet.preset("regnety_002");
    StateDict.LoadReport r = m.loadStateDict(sd, false);
    assertEquals(List.of("head.fc.weight", "head.fc.bias"), r.missing());
    assertEquals(List.of("extra"), r.unexpected());
    assertEquals(sd.get("stem.conv.weight"), m.stateDict().get("stem.conv.weight"));
  }

  @Test
  void aChannelsLastBatchGivesTheSameLogitsAsAContiguousOne() {
    // libtorch 2.10's oneDNN gets some channels-last 1x1 convolutions wrong at 2 threads
    // (regnety_002's s4 152 -> 368 among them), so the model must not run in the caller's layout.
    int threads = torch.get_num_threads();
    torch.set_num_threads(2);
    try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope();
        org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      RegNet m = new RegNet(RegNetConfig.preset("regnety_002").withNumClasses(10));
      m.eval();
      Tensor x = torch.randn(2, 3, 64, 64);
      Tensor want = m.forward(x);
      Tensor got = m.forward(x.contiguous(torch.MemoryFormat.ChannelsLast));
      double err = org.deit4j.engine.Tensors.maxAbsDiff(want, got);
      assertTrue(err < 1e-4, "channels-last input changed the logits by " + err);
    } finally {
      torch.set_num_threads(threads);
    }
  }
}
