package org.deit4j.peers;

import java.util.Locale;

/** One benchmark result as a JSON line in the keys of {@code deit bench --json}. */
final class Json {
  private Json() {}

  /**
   * Formats an inference result; NaN figures (unknown cost, no peak given) become {@code null}.
   * {@code settings} says how the engine was configured (plain text without quotes).
   *
   * @return {@code {"mode":"infer","engine":...,"mfu":...}} on one line
   */
  static String line(
      String engine,
      String engineVersion,
      String model,
      int batch,
      int threads,
      double imagesPerS,
      double msPerBatch,
      double gflopsPerImage,
      double mfu,
      String settings) {
    return String.format(
        Locale.ROOT,
        "{\"mode\":\"infer\",\"engine\":\"%s\",\"engine_version\":\"%s\",\"model\":\"%s\","
            + "\"batch\":%d,\"dtype\":\"fp32\",\"threads\":%d,\"images_per_s\":%s,"
            + "\"ms_per_batch\":%s,\"gflops_per_image\":%s,\"mfu\":%s,\"settings\":\"%s\"}",
        engine,
        engineVersion,
        model,
        batch,
        threads,
        num(imagesPerS, "%.3f"),
        num(msPerBatch, "%.2f"),
        num(gflopsPerImage, "%.4f"),
        num(mfu, "%.4f"),
        settings);
  }

  private static String num(double v, String fmt) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "null";
  }
}
