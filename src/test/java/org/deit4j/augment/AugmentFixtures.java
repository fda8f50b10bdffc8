package org.deit4j.augment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Reads the PIL/timm reference fixtures copied to {@code src/test/resources/augment/}. */
final class AugmentFixtures {
  private static final String ROOT = "/augment/";
  private static JsonNode manifest;

  private AugmentFixtures() {}

  static synchronized JsonNode manifest() {
    if (manifest == null) {
      try (InputStream in = open("manifest.json")) {
        manifest = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return manifest;
  }

  static List<JsonNode> cases() {
    List<JsonNode> out = new ArrayList<>();
    manifest().get("cases").forEach(out::add);
    return out;
  }

  static InputStream open(String rel) {
    InputStream in = AugmentFixtures.class.getResourceAsStream(ROOT + rel);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + ROOT + rel);
    }
    return in;
  }

  static Image png(String rel) {
    try (InputStream in = open(rel)) {
      return ImageCodec.fromBufferedImage(ImageIO.read(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Image source(String id) {
    for (JsonNode s : manifest().get("sources")) {
      if (s.get("id").asText().equals(id)) {
        return png(s.get("file").asText());
      }
    }
    throw new IllegalArgumentException("no source " + id);
  }

  /** Minimal test-only safetensors reader: F32 tensors by name. */
  static Map<String, float[]> safetensorsF32(String rel) {
    try (InputStream in = open(rel)) {
      byte[] all = in.readAllBytes();
      ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
      long n = bb.getLong(0);
      JsonNode header =
          new ObjectMapper().readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
      Map<String, float[]> out = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        if (!e.getValue().get("dtype").asText().equals("F32")) {
          throw new IllegalStateException("not F32: " + e.getKey());
        }
        long begin = e.getValue().get("data_offsets").get(0).asLong();
        long end = e.getValue().get("data_offsets").get(1).asLong();
        float[] f = new float[(int) ((end - begin) / 4)];
        int base = (int) (8 + n + begin);
        for (int i = 0; i < f.length; i++) {
          f[i] = bb.getFloat(base + 4 * i);
        }
        out.put(e.getKey(), f);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
