package org.deit4j.teacher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.deit4j.io.HostTensor;
import org.deit4j.io.Safetensors;

/** The teacher fixtures under {@code src/test/resources/teacher/}, read once per test JVM. */
final class Fixtures {
  private static final Map<String, Map<String, HostTensor>> CACHE = new HashMap<>();

  private Fixtures() {}

  /** Path of a fixture file on the test classpath. */
  static Path path(String name) throws IOException {
    URL url = Fixtures.class.getResource("/teacher/" + name);
    if (url == null) {
      throw new IOException("missing test resource teacher/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  /** Tensors of a safetensors fixture (an unmodifiable map of read-only host tensors). */
  static synchronized Map<String, HostTensor> safetensors(String name) throws IOException {
    Map<String, HostTensor> t = CACHE.get(name);
    if (t == null) {
      t = Safetensors.read(path(name)).tensors();
      CACHE.put(name, t);
    }
    return t;
  }
}
