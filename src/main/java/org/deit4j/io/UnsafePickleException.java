package org.deit4j.io;

import java.io.IOException;

/**
 * A pickle asked for a Python global outside the allow-list ({@link TorchGlobal}). Raised when the
 * GLOBAL or STACK_GLOBAL opcode executes, before anything else happens: nothing is ever called.
 */
public class UnsafePickleException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String global;

  public UnsafePickleException(String source, String global) {
    super(
        source
            + ": refusing to load: the pickle references the Python global '"
            + global
            + "', which is not on the allow-list (torch tensor/storage rebuilders,"
            + " collections.OrderedDict, argparse.Namespace)");
    this.global = global;
  }

  /** The offending {@code module.name}. */
  public String global() {
    return global;
  }
}
