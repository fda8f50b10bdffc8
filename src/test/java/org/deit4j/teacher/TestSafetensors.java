package org.deit4j.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deit4j.io.DType;
import org.deit4j.io.HostTensor;

/**
 * Minimal safetensors reader for the teacher tests only, until {@code org.deit4j.io.Safetensors}
 * lands from the io branch (then this file goes). Trusts its (fixture) input.
 */
final class TestSafetensors {
  private TestSafetensors() {}

  private static final Map<String, Map<String, HostTensor>> CACHE = new ConcurrentHashMap<>();

  /** A read-only, cached view of a test resource (HostTensor buffers are read-only views). */
  static synchronized Map<String, HostTensor> readResource(String name) throws IOException {
    Map<String, HostTensor> cached = CACHE.get(name);
    if (cached == null) {
      cached = Collections.unmodifiableMap(read(name));
      CACHE.put(name, cached);
    }
    return cached;
  }

  private static Map<String, HostTensor> read(String name) throws IOException {
    byte[] all;
    try (InputStream in = TestSafetensors.class.getResourceAsStream("/teacher/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      all = in.readAllBytes();
    }
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = Math.toIntExact(b.getLong(0));
    JsonNode header =
        new ObjectMapper().readTree(new String(all, 8, headerLen, StandardCharsets.UTF_8));
    int base = 8 + headerLen;
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode t = e.getValue();
      long[] shape = new long[t.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = t.get("shape").get(i).asLong();
      }
      int start = base + t.get("data_offsets").get(0).asInt();
      int end = base + t.get("data_offsets").get(1).asInt();
      ByteBuffer data = ByteBuffer.wrap(all, start, end - start).slice();
      out.put(e.getKey(), new HostTensor(DType.valueOf(t.get("dtype").asText()), shape, data));
    }
    return out;
  }
}
