package org.deit4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up marker must be per native archive: a warm cache for Maven's pytorch jar once let the
 * launcher's shaded jar load from a cold cache sub-folder and crash (session 3, grid A).
 */
class NativeLibsTest {
  @TempDir Path dir;

  private static URL jarUrl(Path jar) throws Exception {
    return new URL("jar:" + jar.toUri() + "!/" + NativeLibs.nativeResource());
  }

  @Test
  void markerDiffersBetweenArchivesAndAfterARebuild() throws Exception {
    Path shaded = Files.write(dir.resolve("deit4j.jar"), new byte[] {1, 2, 3});
    Path maven = Files.write(dir.resolve("pytorch-2.10.0-1.5.13-linux-x86_64.jar"), new byte[] {1});

    String a = NativeLibs.markerName(NativeLibs.sourceIdentity(jarUrl(shaded)));
    String again = NativeLibs.markerName(NativeLibs.sourceIdentity(jarUrl(shaded)));
    String b = NativeLibs.markerName(NativeLibs.sourceIdentity(jarUrl(maven)));
    assertEquals(a, again, "same archive, same marker");
    assertNotEquals(a, b, "another archive extracts elsewhere, so it needs its own marker");

    Files.setLastModifiedTime(shaded, FileTime.fromMillis(0));
    String rebuilt = NativeLibs.markerName(NativeLibs.sourceIdentity(jarUrl(shaded)));
    assertNotEquals(a, rebuilt, "a rebuilt jar may re-extract, so it is warmed up again");
  }

  @Test
  void markerNamesEngineVersionAndThisClasspathsArchive() {
    String name = NativeLibs.markerName();
    assertTrue(name.startsWith(".deit4j-natives-ready-" + NativeLibs.ENGINE_VERSION), name);
    assertTrue(!name.endsWith(Integer.toHexString("none".hashCode())), "libtorch found: " + name);
  }

  @Test
  void aCrashingWarmUpChildLeavesNoCrashReportInTheWorkingDirectory() throws Exception {
    // The child's flags, with a main that crashes the JVM the way a native fault does (the JVM
    // writes its hs_err report either way): an out-of-memory error turned into a crash.
    List<String> cmd = new ArrayList<>(NativeLibs.childCommand(dir.resolve("marker")));
    cmd.subList(cmd.size() - 2, cmd.size()).clear(); // drop NativeLibs and its marker argument
    cmd.addAll(List.of("-Xmx16m", "-XX:+CrashOnOutOfMemoryError", AllocateForever.class.getName()));
    Path cwd = Files.createDirectory(dir.resolve("cwd"));
    Process p =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child did not end");
    assertNotEquals(0, p.exitValue(), "the child was meant to crash");
    Path report =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "deit4j-native-warmup-hs_err_" + p.pid() + ".log");
    try (Stream<Path> left = Files.list(cwd)) {
      assertEquals(List.of(), left.toList(), "nothing written where the user ran deit");
    }
    assertTrue(Files.exists(report), "crash report in the temporary directory: " + report);
    Files.delete(report);
  }

  /** Main of the crashing child above. */
  public static final class AllocateForever {
    private AllocateForever() {}

    public static void main(String[] args) {
      List<long[]> hold = new ArrayList<>();
      while (true) {
        hold.add(new long[1 << 20]);
      }
    }
  }
}
