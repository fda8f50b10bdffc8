package org.deit4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deit4j.io.AtomicFiles;

/**
 * The checkpoint files of a run's output folder: {@code last.safetensors} (every epoch) and {@code
 * best.safetensors} (best top-1), each replaced atomically ({@link AtomicFiles}), so a kill or a
 * full disk leaves the previous version whole.
 */
final class CheckpointFiles {
  /** Written after every epoch. */
  static final String LAST = "last.safetensors";

  /** Written on a new best fused test top-1. */
  static final String BEST = "best.safetensors";

  private CheckpointFiles() {}

  /**
   * Saves {@code c} as {@code file}. A failure (typically "No space left on device") names the file
   * and says whether its previous version survived, which it does whenever one existed.
   */
  static void save(Checkpoint c, Path file) throws IOException {
    try {
      c.save(file);
    } catch (IOException e) {
      throw new IOException(
          "cannot write checkpoint "
              + file
              + ": "
              + e.getMessage()
              + (Files.isRegularFile(file)
                  ? " (its previous version is intact)"
                  : " (no earlier version existed)"),
          e);
    }
  }

  /**
   * Deletes the temporary files that a process killed while saving left beside {@code last} and
   * {@code best} (each as large as a checkpoint). Only the one trainer of the folder may call it:
   * another process's save in progress would lose its temporary file.
   *
   * @return how many files were deleted
   */
  static int removeStaleTemps(Path dir) throws IOException {
    return AtomicFiles.deleteStaleTemps(dir.resolve(LAST))
        + AtomicFiles.deleteStaleTemps(dir.resolve(BEST));
  }
}
