package org.deit4j.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Configuration of a timm-style Vision Transformer (DeiT / DeiT-III family). Field meanings and
 * defaults follow timm's {@code VisionTransformer} constructor; keyword names in {@link
 * #withArgs(Map)} are timm's ({@code img_size}, {@code embed_dim}, ...).
 *
 * @param imgSize square input size in pixels
 * @param patchSize square patch size; must divide {@code imgSize}
 * @param inChans input channels
 * @param numClasses classifier outputs; 0 means no head (features only)
 * @param embedDim token width C
 * @param depth number of transformer blocks
 * @param numHeads attention heads; must divide {@code embedDim}
 * @param mlpRatio MLP hidden width / C
 * @param qkvBias bias on the fused qkv projection
 * @param dropRate dropout after pos-embed, in attention proj, MLP and before the head
 * @param attnDropRate dropout on attention weights
 * @param dropPathRate stochastic depth; block i gets {@code rate * i / (depth - 1)} (timm linspace)
 * @param distilled DeiT distillation token and {@code head_dist} (paper section 4)
 * @param initValues LayerScale init (DeiT-III / CaiT); {@code null} = no LayerScale
 * @param noEmbedClass DeiT-III: {@code pos_embed} covers patches only, prefix tokens get none
 */
public record VitConfig(
    int imgSize,
    int patchSize,
    int inChans,
    int numClasses,
    int embedDim,
    int depth,
    int numHeads,
    double mlpRatio,
    boolean qkvBias,
    double dropRate,
    double attnDropRate,
    double dropPathRate,
    boolean distilled,
    Double initValues,
    boolean noEmbedClass) {

  public VitConfig {
    require(imgSize > 0 && patchSize > 0, "img_size and patch_size must be positive");
    require(
        imgSize % patchSize == 0,
        "img_size " + imgSize + " must be a multiple of patch_size " + patchSize);
    require(inChans > 0, "in_chans must be positive");
    require(numClasses >= 0, "num_classes must be >= 0");
    require(embedDim > 0 && depth > 0 && numHeads > 0, "embed_dim, depth, num_heads must be > 0");
    require(
        embedDim % numHeads == 0,
        "embed_dim " + embedDim + " must be divisible by num_heads " + numHeads);
    require(mlpRatio > 0, "mlp_ratio must be positive");
    require(inUnit(dropRate), "drop_rate must be in [0, 1)");
    require(inUnit(attnDropRate), "attn_drop_rate must be in [0, 1)");
    require(inUnit(dropPathRate), "drop_path_rate must be in [0, 1)");
    require(initValues == null || initValues > 0, "init_values must be positive when set");
  }

  private static boolean inUnit(double v) {
    return v >= 0 && v < 1;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Patches per side. */
  public int gridSize() {
    return imgSize / patchSize;
  }

  /** Number of patch tokens. */
  public int numPatches() {
    return gridSize() * gridSize();
  }

  /** Prefix tokens: cls, plus dist when distilled. */
  public int numPrefixTokens() {
    return distilled ? 2 : 1;
  }

  /** Rows of {@code pos_embed}: patches only with {@code no_embed_class}, else prefix + patches. */
  public int posEmbedLength() {
    return noEmbedClass ? numPatches() : numPrefixTokens() + numPatches();
  }

  /** MLP hidden width, {@code int(embed_dim * mlp_ratio)} as timm. */
  public int mlpHidden() {
    return (int) (embedDim * mlpRatio);
  }

  /** Per-head width. */
  public int headDim() {
    return embedDim / numHeads;
  }

  // ---- copies -------------------------------------------------------------------------------

  /** A copy with another input size (pos_embed length follows). */
  public VitConfig withImgSize(int v) {
    return withArgs(Map.of("img_size", Integer.toString(v)));
  }

  /** A copy with another class count (0 = no head). */
  public VitConfig withNumClasses(int v) {
    return withArgs(Map.of("num_classes", Integer.toString(v)));
  }

  /** A copy with another stochastic-depth rate. */
  public VitConfig withDropPathRate(double v) {
    return withArgs(Map.of("drop_path_rate", Double.toString(v)));
  }

  /** A copy with another number of blocks. */
  public VitConfig withDepth(int v) {
    return withArgs(Map.of("depth", Integer.toString(v)));
  }

  /** timm keyword names accepted by {@link #withArgs(Map)}. */
  public static final Set<String> ARG_NAMES =
      Set.of(
          "img_size",
          "patch_size",
          "in_chans",
          "num_classes",
          "embed_dim",
          "depth",
          "num_heads",
          "mlp_ratio",
          "qkv_bias",
          "drop_rate",
          "attn_drop_rate",
          "drop_path_rate",
          "distilled",
          "init_values",
          "no_embed_class");

  /**
   * A copy with timm keyword arguments applied, e.g. {@code {"depth": "2", "num_classes": "10"}}.
   * Unknown names are rejected with the list of accepted ones.
   */
  public VitConfig withArgs(Map<String, String> args) {
    int img = imgSize, patch = patchSize, in = inChans, classes = numClasses, dim = embedDim;
    int dep = depth, heads = numHeads;
    double mlp = mlpRatio, drop = dropRate, attnDrop = attnDropRate, dropPath = dropPathRate;
    boolean qkv = qkvBias, dist = distilled, noEmbed = noEmbedClass;
    Double init = initValues;
    for (Map.Entry<String, String> e : args.entrySet()) {
      String k = e.getKey().trim().toLowerCase(Locale.ROOT).replace('-', '_');
      String v = e.getValue().trim();
      try {
        switch (k) {
          case "img_size" -> img = Integer.parseInt(v);
          case "patch_size" -> patch = Integer.parseInt(v);
          case "in_chans" -> in = Integer.parseInt(v);
          case "num_classes" -> classes = Integer.parseInt(v);
          case "embed_dim" -> dim = Integer.parseInt(v);
          case "depth" -> dep = Integer.parseInt(v);
          case "num_heads" -> heads = Integer.parseInt(v);
          case "mlp_ratio" -> mlp = Double.parseDouble(v);
          case "qkv_bias" -> qkv = parseBool(v);
          case "drop_rate" -> drop = Double.parseDouble(v);
          case "attn_drop_rate" -> attnDrop = Double.parseDouble(v);
          case "drop_path_rate" -> dropPath = Double.parseDouble(v);
          case "distilled" -> dist = parseBool(v);
          case "init_values" -> init = v.equalsIgnoreCase("none") ? null : Double.valueOf(v);
          case "no_embed_class" -> noEmbed = parseBool(v);
          default ->
              throw new IllegalArgumentException(
                  "unknown model argument '"
                      + e.getKey()
                      + "' (accepted: "
                      + String.join(", ", ARG_NAMES.stream().sorted().toList())
                      + ")");
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(
            "model argument " + k + "=" + v + " is not a number", ex);
      }
    }
    return new VitConfig(
        img, patch, in, classes, dim, dep, heads, mlp, qkv, drop, attnDrop, dropPath, dist, init,
        noEmbed);
  }

  private static boolean parseBool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("not a boolean: " + v);
    };
  }

  /** Parses {@code k=v,k=v} (timm keyword names) into an ordered map. */
  public static Map<String, String> parseArgs(String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String part : spec.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("model argument '" + part + "' is not key=value");
      }
      out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    return out;
  }

  // ---- presets: names and values exactly as timm's deit.py ------------------------------------

  private static VitConfig vit(
      int img, int dim, int depth, int heads, boolean distilled, Double init, boolean noEmbed) {
    return new VitConfig(
        img, 16, 3, 1000, dim, depth, heads, 4.0, true, 0, 0, 0, distilled, init, noEmbed);
  }

  private static final Map<String, Supplier<VitConfig>> PRESETS = new LinkedHashMap<>();

  static {
    PRESETS.put("deit_tiny_patch16_224", () -> vit(224, 192, 12, 3, false, null, false));
    PRESETS.put("deit_small_patch16_224", () -> vit(224, 384, 12, 6, false, null, false));
    PRESETS.put("deit_base_patch16_224", () -> vit(224, 768, 12, 12, false, null, false));
    PRESETS.put("deit_base_patch16_384", () -> vit(384, 768, 12, 12, false, null, false));
    PRESETS.put("deit_tiny_distilled_patch16_224", () -> vit(224, 192, 12, 3, true, null, false));
    PRESETS.put("deit_small_distilled_patch16_224", () -> vit(224, 384, 12, 6, true, null, false));
    PRESETS.put("deit_base_distilled_patch16_224", () -> vit(224, 768, 12, 12, true, null, false));
    PRESETS.put("deit_base_distilled_patch16_384", () -> vit(384, 768, 12, 12, true, null, false));
    // DeiT-III (timm deit.py): LayerScale init 1e-6, pos_embed without class token.
    PRESETS.put("deit3_small_patch16_224", () -> vit(224, 384, 12, 6, false, 1e-6, true));
    PRESETS.put("deit3_medium_patch16_224", () -> vit(224, 512, 12, 8, false, 1e-6, true));
    PRESETS.put("deit3_base_patch16_224", () -> vit(224, 768, 12, 12, false, 1e-6, true));
    PRESETS.put("deit3_large_patch16_224", () -> vit(224, 1024, 24, 16, false, 1e-6, true));
    // The accuracy benchmark's students (shared/benchmarks/fashion-mnist-distill.md): ViT-FM.
    PRESETS.put(
        "vit_fm_patch4_28",
        () -> new VitConfig(28, 4, 3, 10, 64, 6, 2, 4.0, true, 0, 0, 0.1, false, null, false));
    PRESETS.put(
        "deit_fm_distilled_patch4_28",
        () -> new VitConfig(28, 4, 3, 10, 64, 6, 2, 4.0, true, 0, 0, 0.1, true, null, false));
  }

  /** Preset names, in a stable order. */
  public static List<String> presetNames() {
    return List.copyOf(PRESETS.keySet());
  }

  /**
   * The preset named as in timm (e.g. {@code deit_tiny_distilled_patch16_224}).
   *
   * @throws IllegalArgumentException listing the known names
   */
  public static VitConfig preset(String name) {
    Supplier<VitConfig> s = PRESETS.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown model '" + name + "'; known: " + String.join(", ", PRESETS.keySet()));
    }
    return s.get();
  }

  /** True when {@code name} is a preset. */
  public static boolean isPreset(String name) {
    return PRESETS.containsKey(name);
  }
}
