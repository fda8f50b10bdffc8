package org.deit4j.train;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deit4j.testutil.BundledData;

/**
 * Shared pieces of the crash-safety tests: the bundled Fashion-MNIST subset, the arguments of a
 * tiny distilled run (TrainEndToEndTest's model), and child JVMs on this JVM's class path.
 */
final class TinyRuns {
  private TinyRuns() {}

  /** Copies the bundled subset into {@code dir}; returns {@code dir}. */
  static Path extractData(Path dir) throws IOException {
    return BundledData.extractFashionMnist(dir);
  }

  /**
   * {@code train} arguments: depth-1 distilled DeiT (embed 32) taught by an untrained regnety_002,
   * {@code perClass} images per class, batch 8, the DeiT recipe.
   *
   * @param evalPerClass test images per class evaluated after each epoch (0: no evaluation, so no
   *     {@code best.safetensors})
   */
  static List<String> trainArgs(
      Path data, Path out, int perClass, int epochs, int evalPerClass, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--model",
                "deit_fm_distilled_patch4_28",
                "--model-args",
                "depth=1,embed_dim=32",
                "--data",
                data + ":train",
                "--per-class",
                Integer.toString(perClass),
                "--batch-size",
                "8",
                "--epochs",
                Integer.toString(epochs),
                "--no-repeated-aug",
                "--warmup-epochs",
                "1",
                "--lr",
                "1e-3",
                "--unscale-lr",
                "--mean",
                "0.2860,0.2860,0.2860",
                "--std",
                "0.3530,0.3530,0.3530",
                "--distillation-type",
                "hard",
                "--teacher-model",
                "regnety_002",
                "--teacher-args",
                "stem_stride=1",
                "--num-workers",
                "2",
                "--output-dir",
                out.toString()));
    if (evalPerClass > 0) {
      a.addAll(List.of("--eval-data", data + ":t10k?perClass=" + evalPerClass));
    }
    a.addAll(List.of(extra));
    return a;
  }

  /**
   * The command line of a child JVM running {@code mainClass} on this JVM's class path.
   *
   * @param jvmFlags extra JVM flags (e.g. {@code -Ddeit4j.threads=2})
   */
  static List<String> javaCommand(List<String> jvmFlags, String mainClass, List<String> args) {
    return javaCommand(System.getProperty("java.class.path"), jvmFlags, mainClass, args);
  }

  /**
   * {@link #javaCommand(List, String, List)} without the JavaCPP/libtorch jars on the class path,
   * for children that never touch libtorch: they start about 40% faster.
   */
  static List<String> javaCommandWithoutLibtorch(
      List<String> jvmFlags, String mainClass, List<String> args) {
    String sep = File.pathSeparator;
    String cp =
        Arrays.stream(System.getProperty("java.class.path").split(Pattern.quote(sep)))
            .filter(e -> !e.contains("bytedeco"))
            .collect(Collectors.joining(sep));
    return javaCommand(cp, jvmFlags, mainClass, args);
  }

  private static List<String> javaCommand(
      String classPath, List<String> jvmFlags, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add("-XX:+UseSerialGC");
    cmd.addAll(jvmFlags);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** Hidden temporary files of atomic writes ({@code .NAME.DIGITS.tmp}) in {@code dir}. */
  static List<Path> temps(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\..+\\.[0-9]+\\.tmp")).toList();
    }
  }
}
