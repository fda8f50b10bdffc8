package org.deit4j.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * Makes the first use of libtorch on a fresh machine safe.
 *
 * <p>The very first JVM that extracts JavaCPP's natives into {@code ~/.javacpp/cache} can crash
 * (SIGSEGV inside {@code libtorch_cpu.so}) while a JVM that finds a complete cache never did. So
 * before this process loads libtorch, it checks for a marker that says "a whole extraction and load
 * has already succeeded for this exact engine version". If the marker is missing, a child JVM does
 * the extraction and the first load (retried if it dies), and only then does this JVM load the
 * now-warm cache. A crash can therefore only ever hit a throw-away child, never the user's command.
 */
public final class NativeLibs {
  /** Exit code of the child when extraction and load worked. */
  private static final int CHILD_OK = 0;

  private static final int ATTEMPTS = 4;

  /** The libtorch presets this build links (kept in step with the pom). */
  public static final String ENGINE_VERSION = "pytorch-2.10.0-1.5.13";

  private static volatile boolean ensured;

  private NativeLibs() {}

  /** Marker name includes the engine version so an upgrade re-runs the warm-up. */
  static String markerName() {
    return ".deit4j-natives-ready-" + ENGINE_VERSION + "-" + Loader.getPlatform();
  }

  /**
   * Ensures the native cache is complete, spawning a warm-up child JVM if needed. Idempotent and
   * cheap after the first call. Must run before any class of {@code org.bytedeco.pytorch} is
   * loaded.
   */
  public static synchronized void ensureExtracted() {
    if (ensured || Boolean.getBoolean("deit4j.skipNativeWarmup")) {
      ensured = true;
      return;
    }
    try {
      Path marker = Loader.getCacheDir().toPath().resolve(markerName());
      if (!Files.exists(marker)) {
        warmUpInChild(marker);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot prepare the JavaCPP native cache: " + e.getMessage(), e);
    }
    ensured = true;
  }

  private static void warmUpInChild(Path marker) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NativeLibs.class.getName());
    cmd.add(marker.toString());
    int last = -1;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          last = -2;
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while extracting natives", e);
      }
      last = p.exitValue();
      if (last == CHILD_OK && Files.exists(marker)) {
        return;
      }
    }
    throw new IOException(
        "native warm-up child failed " + ATTEMPTS + " times (last exit code " + last + ")");
  }

  /**
   * Child entry point: extract and load libtorch once, run one tiny op, then write the marker
   * atomically.
   */
  public static void main(String[] args) throws IOException {
    Loader.load(org.bytedeco.pytorch.global.torch.class);
    org.bytedeco.pytorch.global.torch.ones(2).sum().item_float();
    Path marker = Path.of(args[0]);
    Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp" + ProcessHandle.current().pid());
    Files.writeString(tmp, "ok\n");
    Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.exit(CHILD_OK);
  }
}
