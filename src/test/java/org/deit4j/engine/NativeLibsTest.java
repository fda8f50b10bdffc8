package org.deit4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
}
