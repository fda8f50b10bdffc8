package org.deit4j.distill;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the teacher supervises the student (DeiT paper, Section 5.2; deit {@code
 * --distillation-type}).
 */
public enum DistillationType {
  /** No teacher: the loss is the base criterion on the class head. */
  NONE("none"),
  /** Soft distillation (paper eq. 2): KL between student and teacher softmax at temperature tau. */
  SOFT("soft"),
  /** Hard-label distillation (paper eq. 3): cross-entropy against the teacher's argmax. */
  HARD("hard"),
  /**
   * Hard-label distillation of a student without a distillation token: the teacher term is applied
   * to the class head itself (paper Table 3, "hard distillation" row without distillation token).
   */
  HARD_CLS("hard-cls");

  private final String flag;

  DistillationType(String flag) {
    this.flag = flag;
  }

  /** The command-line spelling ({@code none}, {@code soft}, {@code hard}, {@code hard-cls}). */
  public String flag() {
    return flag;
  }

  /** True when a teacher is needed. */
  public boolean usesTeacher() {
    return this != NONE;
  }

  /** True when the KD term is applied to a separate distillation head. */
  public boolean needsDistToken() {
    return this == SOFT || this == HARD;
  }

  /**
   * Parses deit's flag string (case-insensitive; {@code hard_cls} accepted too).
   *
   * @throws IllegalArgumentException listing the valid values
   */
  public static DistillationType parse(String s) {
    String k = s.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    for (DistillationType t : values()) {
      if (t.flag.equals(k)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown distillation type '"
            + s
            + "', expected one of "
            + Arrays.stream(values())
                .map(DistillationType::flag)
                .collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return flag;
  }
}
