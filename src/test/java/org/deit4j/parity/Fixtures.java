package org.deit4j.parity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.deit4j.io.Safetensors;
import org.deit4j.io.SafetensorsFile;

/** Test resources copied from shared/fixtures (timm 1.0.29 / torch 1.13 reference data). */
public final class Fixtures {
  private Fixtures() {}

  /** Path of a test resource. */
  public static Path path(String resource) {
    try {
      var url = Fixtures.class.getResource("/" + resource);
      if (url == null) {
        throw new IllegalArgumentException("missing test resource " + resource);
      }
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a safetensors test resource. */
  public static SafetensorsFile safetensors(String resource) {
    try {
      return Safetensors.read(path(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
