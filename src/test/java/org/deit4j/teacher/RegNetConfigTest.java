package org.deit4j.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Design space to stages, checked against timm's presets ({@code regnety_presets.json}). */
class RegNetConfigTest {
  static JsonNode presetsJson() throws IOException {
    try (InputStream in =
        RegNetConfigTest.class.getResourceAsStream("/teacher/regnety_presets.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** Every preset we implement; the GroupNorm/SiLU experiment {@code regnety_040_sgn} is not. */
  static Stream<String> presetNames() {
    return RegNetConfig.presetNames().stream();
  }

  @Test
  void presetsCoverTimmRegNetYExceptTheGroupNormExperiment() throws IOException {
    List<String> timm = new ArrayList<>();
    presetsJson().get("presets").fieldNames().forEachRemaining(timm::add);
    timm.remove("regnety_040_sgn");
    assertEquals(timm, List.copyOf(RegNetConfig.presetNames()));
  }

  @ParameterizedTest
  @MethodSource("presetNames")
  void configMatchesTimmCfg(String name) throws IOException {
    JsonNode cfg = presetsJson().get("presets").get(name).get("cfg");
    RegNetConfig c = RegNetConfig.preset(name);
    assertEquals(cfg.get("w0").asInt(), c.w0());
    assertEquals(cfg.get("wa").asDouble(), c.wa());
    assertEquals(cfg.get("wm").asDouble(), c.wm());
    assertEquals(cfg.get("depth").asInt(), c.depth());
    assertEquals(cfg.get("group_size").asInt(), c.groupSize());
    assertEquals(cfg.get("bottle_ratio").asDouble(), c.bottleRatio());
    assertEquals(cfg.get("se_ratio").asDouble(), c.seRatio());
    assertEquals(cfg.get("group_min_ratio").asDouble(), c.groupMinRatio());
    assertEquals(cfg.get("stem_width").asInt(), c.stemWidth());
    assertEquals(2, c.stemStride());
    assertEquals(1000, c.numClasses());
    assertEquals(3, c.inChans());
  }

  @ParameterizedTest
  @MethodSource("presetNames")
  void blockWidthsMatchGenerateRegnet(String name) throws IOException {
    JsonNode want = presetsJson().get("presets").get(name).get("per_block_widths_generate_regnet");
    int[] w = new int[want.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = want.get(i).asInt();
    }
    assertArrayEquals(w, RegNetConfig.preset(name).blockWidths());
  }

  @ParameterizedTest
  @MethodSource("presetNames")
  void stagesMatchTimm(String name) throws IOException {
    JsonNode p = presetsJson().get("presets").get(name);
    List<StageSpec> stages = RegNetConfig.preset(name).stages();
    assertEquals(p.get("num_stages").asInt(), stages.size());
    for (int i = 0; i < stages.size(); i++) {
      JsonNode j = p.get("stages").get(i);
      StageSpec s = stages.get(i);
      String at = name + " " + s.name();
      assertEquals(j.get("name").asText(), s.name(), at);
      assertEquals(j.get("width").asInt(), s.width(), at + " width");
      assertEquals(j.get("depth").asInt(), s.depth(), at + " depth");
      assertEquals(j.get("stride").asInt(), s.stride(), at + " stride");
      assertEquals(j.get("group_width").asInt(), s.groupWidth(), at + " group width");
      assertEquals(j.get("groups").asInt(), s.groups(), at + " groups");
      assertEquals(j.get("bottleneck_width").asInt(), s.bottleneckWidth(), at + " bottleneck");
      assertEquals(j.get("in_width").asInt(), s.inWidth(), at + " in width");
      assertEquals(j.get("se_channels_first_block").asInt(), s.seChannels(0), at + " se first");
      JsonNode other = j.get("se_channels_other_blocks");
      if (s.depth() > 1) {
        assertEquals(other.asInt(), s.seChannels(1), at + " se other");
      } else {
        assertTrue(other.isNull(), at);
      }
    }
    assertEquals(p.get("num_features").asInt(), RegNetConfig.preset(name).numFeatures());
  }

  @ParameterizedTest
  @MethodSource("presetNames")
  void analyticCountsMatchTimm(String name) throws IOException {
    JsonNode p = presetsJson().get("presets").get(name);
    RegNetConfig c = RegNetConfig.preset(name);
    assertEquals(p.get("param_count_1000_classes").asLong(), c.paramCount(), name);
    assertEquals(p.get("buffer_elements").asLong(), c.bufferElements(), name);
  }

  @Test
  void regnety160LastStageIsGroupAdjusted() {
    // generate_regnet gives 3048; adjust_widths_groups_comp with group width 112 gives 3024.
    RegNetConfig c = RegNetConfig.preset("regnety_160");
    int[] w = c.blockWidths();
    assertEquals(3048, w[w.length - 1]);
    assertEquals(3024, c.numFeatures());
    assertEquals(83_590_140L, c.paramCount());
  }

  @Test
  void fashionMnistTeacherParamCount() {
    RegNetConfig c = RegNetConfig.preset("regnety_004").withStemStride(1).withNumClasses(10);
    assertEquals(3_907_554L, c.paramCount());
    assertEquals(1, c.stemStride());
    assertEquals(10, c.numClasses());
  }

  @Test
  void unknownPresetNamesTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RegNetConfig.preset("regnety_999"));
    assertTrue(e.getMessage().contains("regnety_160"), e.getMessage());
  }

  @Test
  void compactConstructorRejectsInvalidValues() {
    RegNetConfig c = RegNetConfig.preset("regnety_002");
    assertThrows(IllegalArgumentException.class, () -> c.withStemStride(3));
    assertThrows(IllegalArgumentException.class, () -> c.withNumClasses(-1));
    assertThrows(IllegalArgumentException.class, () -> c.withInChans(0));
    assertThrows(IllegalArgumentException.class, () -> c.withDropRate(1.0));
    assertThrows(
        IllegalArgumentException.class, () -> RegNetConfig.regNetY(20, 36.44, 2.49, 13, 8, 0));
    assertThrows(
        IllegalArgumentException.class, () -> RegNetConfig.regNetY(24, -1, 2.49, 13, 8, 0));
    assertThrows(
        IllegalArgumentException.class, () -> RegNetConfig.regNetY(24, 36.44, 1.0, 13, 8, 0));
    assertThrows(
        IllegalArgumentException.class, () -> RegNetConfig.regNetY(24, 36.44, 2.49, 0, 8, 0));
    assertThrows(
        IllegalArgumentException.class, () -> RegNetConfig.regNetY(24, 36.44, 2.49, 13, 8, 1.0));
  }
}
