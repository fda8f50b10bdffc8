package org.deit4j.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deit4j.augment.Image;

/**
 * torchvision's {@code ImageFolder}, which deit uses for ImageNet: {@code
 * root/<class>/.../<image>}. Class names are the sorted sub-folder names of {@code root} and their
 * positions are the labels; inside each class folder, images are found recursively (following
 * links) with folders visited in sorted path order and files sorted by name within a folder, as
 * torchvision's {@code make_dataset} walks {@code sorted(os.walk(...))}. Only files with an image
 * extension count (torchvision's list plus {@code .gif}); case is ignored.
 *
 * <p>Only paths are held; images are decoded on demand by {@link ImageDecoder}.
 */
public final class ImageFolder implements Dataset {
  /**
   * Extensions (lower case) that make a file an image: torchvision's {@code IMG_EXTENSIONS} + gif.
   */
  public static final Set<String> EXTENSIONS =
      Set.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp", ".gif");

  private final Path root;
  private final String[] files; // relative to root, '/'-separated
  private final int[] labels;
  private final ClassMap classes;

  private ImageFolder(Path root, String[] files, int[] labels, ClassMap classes) {
    this.root = root;
    this.files = files;
    this.labels = labels;
    this.classes = classes;
  }

  /** Scans {@code root}; an empty class folder is an error. */
  public static ImageFolder open(Path root) throws IOException {
    return open(root, false);
  }

  /**
   * Scans {@code root}.
   *
   * @param allowEmpty accept class folders without images (torchvision's {@code allow_empty})
   * @throws NoSuchFileException if root is not a folder
   * @throws IOException if there are no class folders, or a class folder is empty and {@code
   *     !allowEmpty}
   */
  public static ImageFolder open(Path root, boolean allowEmpty) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString());
    }
    List<String> classNames;
    try (Stream<Path> s = Files.list(root)) {
      classNames =
          s.filter(Files::isDirectory)
              .map(p -> p.getFileName().toString())
              .sorted()
              .collect(Collectors.toList());
    }
    if (classNames.isEmpty()) {
      throw new IOException(root + ": no class folders (expected root/<class>/<image>)");
    }
    List<String> paths = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    for (int c = 0; c < classNames.size(); c++) {
      String cls = classNames.get(c);
      List<String> found = scanClass(root, cls);
      if (found.isEmpty()) {
        empty.add(cls);
      }
      for (String f : found) {
        paths.add(f);
        labels.add(c);
      }
    }
    if (!empty.isEmpty() && !allowEmpty) {
      throw new IOException(
          root
              + ": no image files in class folder(s) "
              + empty
              + " (extensions "
              + EXTENSIONS
              + "); pass allowEmpty to accept");
    }
    return new ImageFolder(
        root,
        paths.toArray(String[]::new),
        labels.stream().mapToInt(Integer::intValue).toArray(),
        new ClassMap(classNames));
  }

  private static List<String> scanClass(Path root, String cls) throws IOException {
    Path dir = root.resolve(cls);
    List<Path> dirs;
    try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      dirs = s.filter(Files::isDirectory).collect(Collectors.toList());
    }
    // sorted(os.walk()) orders by the directory path string.
    dirs.sort(Comparator.comparing(d -> slashPath(root, d)));
    List<String> out = new ArrayList<>();
    for (Path d : dirs) {
      try (Stream<Path> s = Files.list(d)) {
        s.filter(p -> isImageName(p.getFileName().toString()) && !Files.isDirectory(p))
            .map(p -> slashPath(root, p))
            .sorted()
            .forEach(out::add);
      }
    }
    return out;
  }

  private static String slashPath(Path root, Path p) {
    return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
  }

  /** True if the file name has one of {@link #EXTENSIONS} (any case). */
  public static boolean isImageName(String name) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(name.substring(dot).toLowerCase(Locale.ROOT));
  }

  /** True if {@code dir} has at least one sub-folder (the auto-detection rule for ImageFolder). */
  static boolean hasSubfolders(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(Files::isDirectory);
    }
  }

  /** The scanned root. */
  public Path root() {
    return root;
  }

  /** Absolute path of sample {@code i}. */
  public Path path(int i) {
    return root.resolve(files[i]);
  }

  @Override
  public int size() {
    return files.length;
  }

  @Override
  public Image image(int i) {
    return ImageDecoder.decode(path(i));
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public ClassMap classes() {
    return classes;
  }

  @Override
  public String source(int i) {
    return path(i).toString();
  }
}
