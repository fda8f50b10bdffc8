package org.deit4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whole-file writes that a reader never sees half done: bytes go to a temporary file in the
 * target's folder (so the rename stays on one file system), are forced to disk, and the file is
 * renamed over the target; then the folder is synced. A crash leaves either the old file or the new
 * one, at worst plus a hidden {@code .name.*.tmp} file ({@link #deleteStaleTemps} removes it). A
 * failed write (a full disk) deletes its temporary file and leaves the target untouched. Used for
 * weights, checkpoints, reports and plots.
 */
public final class AtomicFiles {
  /**
   * Test seam: when set, called after the content reached the temporary file and before it is
   * forced and renamed; it may throw to play a device that fails (a full disk). Set only by tests
   * (through a helper in this package of the test sources).
   */
  static volatile Fault fault;

  /** A simulated device failure, see {@link #fault}. */
  @FunctionalInterface
  interface Fault {
    /** Throws to fail the write of {@code target}; {@code tmp} holds its content so far. */
    void beforeCommit(Path target, FileChannel tmp) throws IOException;
  }

  private AtomicFiles() {}

  /** Writes the content of a file through a channel. */
  @FunctionalInterface
  public interface Content {
    /** Writes everything to {@code ch}. */
    void writeTo(FileChannel ch) throws IOException;
  }

  /** Atomically replaces {@code file} with {@code bytes}. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
  }

  /** Atomically replaces {@code file} with what {@code content} writes. */
  public static void write(Path file, Content content) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    boolean done = false;
    try {
      keepPermissions(tmp, abs);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        content.writeTo(ch);
        Fault f = fault;
        if (f != null) {
          f.beforeCommit(abs, ch);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Deletes the temporary files that writes of {@code target} killed before their rename left
   * behind (named {@code .NAME.DIGITS.tmp} in its folder). Call it only when no other process may
   * be writing {@code target}.
   *
   * @return how many files were deleted
   */
  public static int deleteStaleTemps(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Pattern temp = Pattern.compile(Pattern.quote("." + abs.getFileName() + ".") + "[0-9]+\\.tmp");
    int n = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        if (temp.matcher(p.getFileName().toString()).matches() && Files.deleteIfExists(p)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Writes all remaining bytes of {@code src}. */
  public static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      ch.write(src);
    }
  }

  /**
   * Temporary files are created owner-only; give the result the permissions the replaced file had,
   * or the usual rw-r--r-- for a new one (POSIX file systems only).
   */
  private static void keepPermissions(Path tmp, Path target) throws IOException {
    try {
      Set<PosixFilePermission> perms =
          Files.exists(target)
              ? Files.getPosixFilePermissions(target)
              : PosixFilePermissions.fromString("rw-r--r--");
      Files.setPosixFilePermissions(tmp, perms);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the platform default
    }
  }

  /** Makes a rename or a creation durable; some platforms cannot open a folder: harmless. */
  public static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the data itself was forced already
    }
  }
}
