package org.deit4j.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
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
 *
 * <p>JavaCPP extracts into a sub-folder named after the archive the natives come from ({@code
 * cache/deit4j.jar/...} for the launcher's shaded jar, {@code cache/pytorch-...jar/...} under
 * Maven), so one archive's warm cache says nothing about another's. The marker is therefore keyed
 * to that archive (name, size, modification time): a rebuilt or different jar gets its own warm-up.
 */
public final class NativeLibs {
  /** Exit code of the child when extraction and load worked. */
  private static final int CHILD_OK = 0;

  private static final int ATTEMPTS = 4;

  /** The libtorch presets this build links (kept in step with the pom). */
  public static final String ENGINE_VERSION = "pytorch-2.10.0-1.5.13";

  private static volatile boolean ensured;

  private NativeLibs() {}

  /** Resource JavaCPP extracts first and largest; its archive decides the cache sub-folder. */
  static String nativeResource() {
    return "org/bytedeco/pytorch/" + Loader.getPlatform() + "/libtorch_cpu.so";
  }

  /**
   * Marker name: engine version, platform and the identity of the archive that holds libtorch (so
   * an upgrade, a rebuilt shaded jar or a switch between the shaded jar and Maven's jars each
   * re-run the warm-up once).
   */
  static String markerName() {
    URL url = NativeLibs.class.getClassLoader().getResource(nativeResource());
    return markerName(url == null ? "none" : sourceIdentity(url));
  }

  static String markerName(String sourceIdentity) {
    String key = Integer.toHexString(sourceIdentity.hashCode());
    return ".deit4j-natives-ready-" + ENGINE_VERSION + "-" + Loader.getPlatform() + "-" + key;
  }

  /**
   * "path|size|mtime" of the jar (or directory) a native resource is served from; for a plain file
   * URL the file itself.
   */
  static String sourceIdentity(URL url) {
    String spec = url.toString();
    String location = spec;
    if (spec.startsWith("jar:")) {
      int bang = spec.indexOf("!/");
      location = spec.substring("jar:".length(), bang < 0 ? spec.length() : bang);
    }
    try {
      Path path = Path.of(URI.create(location));
      return path.toAbsolutePath() + "|" + Files.size(path) + "|" + Files.getLastModifiedTime(path);
    } catch (IOException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return location;
    }
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
    List<String> cmd = childCommand(marker);
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

  /** The warm-up child's command line: this JVM's flags and class path, {@link #main}. */
  static List<String> childCommand(Path marker) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    // The parent's JVM flags, so e.g. -Dorg.bytedeco.javacpp.cachedir=... warms the same cache the
    // parent will load from (a debugger port cannot be shared).
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!flag.startsWith("-agentlib:jdwp")) {
        cmd.add(flag);
      }
    }
    // The child is the one that may crash (see the class comment): its crash report goes to the
    // temporary directory, not into the user's working directory as hs_err_pid*.log files (two
    // were left there by one first run of a rebuilt jar on this project's machines).
    cmd.add(
        "-XX:ErrorFile="
            + Path.of(System.getProperty("java.io.tmpdir"), "deit4j-native-warmup-hs_err_%p.log"));
    cmd.add("-XX:-CreateCoredumpOnCrash");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NativeLibs.class.getName());
    cmd.add(marker.toString());
    return cmd;
  }

  /**
   * Child entry point: extract and load libtorch once, run one tiny op, then write the marker
   * atomically.
   */
  public static void main(String[] args) throws IOException {
    Loader.load(org.bytedeco.pytorch.global.torch.class);
    org.bytedeco.pytorch.global.torch.ones(2).sum().item_float();
    // what Engine.setThreads loads next (BlasThreads): extracted here too, not in the user's JVM
    org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
    Path marker = Path.of(args[0]);
    Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp" + ProcessHandle.current().pid());
    Files.writeString(tmp, "ok\n");
    Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.exit(CHILD_OK);
  }
}
