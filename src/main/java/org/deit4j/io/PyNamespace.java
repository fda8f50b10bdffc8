package org.deit4j.io;

import java.util.LinkedHashMap;

/**
 * An inert stand-in for a pickled {@code argparse.Namespace} (deit's {@code args} in checkpoints):
 * just its attributes, by name, in pickle order.
 */
public final class PyNamespace extends LinkedHashMap<Object, Object> {
  private static final long serialVersionUID = 1L;

  @Override
  public String toString() {
    return "Namespace" + super.toString();
  }
}
