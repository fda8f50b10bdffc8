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

  /**
   * Resets the peak ({@code VmHWM}) to the current resident size, so that runs sharing one process
   * each report their own peak: writing {@code 5} to {@code /proc/self/clear_refs} (Linux 4.0+,
   * proc(5)).
   *
   * @return whether the reset took effect (false elsewhere, or where /proc is read-only)
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
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
