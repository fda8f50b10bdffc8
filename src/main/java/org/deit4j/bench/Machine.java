package org.deit4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.deit4j.engine.Engine;
import org.deit4j.engine.NativeLibs;

/** The machine a benchmark ran on, in one line: CPU, cores, threads, memory, OS, Java, engine. */
public final class Machine {
  private Machine() {}

  /**
   * E.g. {@code "Intel Xeon ... | 2 cores, 2 libtorch threads | 7.7 GiB | Linux 6.1 amd64 | Java
   * 17.0.15 | pytorch-2.10.0-1.5.13"}.
   */
  public static String describe() {
    return String.join(
        " | ",
        cpuModel(),
        Runtime.getRuntime().availableProcessors()
            + " cores, "
            + Engine.threads()
            + " libtorch threads",
        memory(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        "Java " + System.getProperty("java.version"),
        NativeLibs.ENGINE_VERSION,
        allocator(),
        blas(),
        openMpWait(System.getenv("GOMP_SPINCOUNT"), System.getenv("OMP_WAIT_POLICY")));
  }

  /**
   * How libtorch's OpenMP workers wait between parallel regions, from the environment libgomp reads
   * at load: the launcher waits passively, except for inference verbs, where it sets a spin count
   * (README, launcher). An explicit {@code GOMP_SPINCOUNT} wins over the policy.
   */
  static String openMpWait(String spinCount, String policy) {
    if (spinCount != null && !spinCount.isBlank()) {
      return "OpenMP spin " + spinCount.trim();
    }
    return "OpenMP wait " + (policy == null || policy.isBlank() ? "default" : policy.trim());
  }

  /**
   * The native allocator libtorch's CPU tensors come from. It matters a lot: with glibc's defaults
   * every large tensor is a fresh mmap whose pages fault in on first touch (RegNetY teacher
   * training measured 114 img/s with glibc defaults, 178 with the launcher's glibc tunables, 244
   * with tcmalloc).
   */
  static String allocator() {
    for (String line : lines("/proc/self/maps")) {
      if (line.contains("libtcmalloc")) {
        return "tcmalloc";
      }
      if (line.contains("libjemalloc")) {
        return "jemalloc";
      }
    }
    return System.getenv("MALLOC_MMAP_THRESHOLD_") != null
        ? "glibc malloc (tuned)"
        : "glibc malloc";
  }

  /**
   * OpenBLAS's kernel choice: auto-detected, or pinned by {@code OPENBLAS_CORETYPE}; the launcher
   * drops a pin to a pre-AVX-512 core on AVX-512 CPUs (it halves fp32 GEMM speed) and says so.
   */
  static String blas() {
    String core = System.getenv("OPENBLAS_CORETYPE");
    String dropped = System.getenv("DEIT4J_DROPPED_OPENBLAS_CORETYPE");
    String threads = System.getenv("OPENBLAS_NUM_THREADS");
    String s =
        core == null || core.isBlank()
            ? "OpenBLAS core auto"
            : "OpenBLAS core " + core + " (pinned)";
    if (dropped != null && !dropped.isBlank()) {
      s += " (OPENBLAS_CORETYPE=" + dropped + " dropped)";
    }
    return threads == null || threads.isBlank() ? s : s + ", " + threads + " threads";
  }

  private static String cpuModel() {
    for (String line : lines("/proc/cpuinfo")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
      }
    }
    return "unknown CPU";
  }

  private static String memory() {
    for (String line : lines("/proc/meminfo")) {
      if (line.startsWith("MemTotal:")) {
        String[] p = line.substring(9).trim().split("\\s+");
        return String.format(Locale.ROOT, "%.1f GiB RAM", Long.parseLong(p[0]) / 1048576.0);
      }
    }
    return "unknown RAM";
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
