package org.deit4j;

import org.deit4j.engine.Engine;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Auto-registered for every test class (junit-platform.properties): prepares libtorch through the
 * same safe path as the CLI before any test touches a tensor.
 */
public final class EngineExtension implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    Engine.init();
  }
}
