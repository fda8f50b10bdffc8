package org.deit4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from {@code /proc/self/status} (Linux; NaN elsewhere). */
public final class Memory {
  private Memory() {}

  /** Peak resident set size (VmHWM) in MiB. */
  public static double peakRssMb() {
    return field("VmHWM:");
  }

  /** Current resident set size (VmRSS) in MiB. */
  public static double rssMb() {
    return field("VmRSS:");
  }

  private static double field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024.0; // kB -> MiB
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
