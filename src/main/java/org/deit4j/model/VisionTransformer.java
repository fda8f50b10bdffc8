package org.deit4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.engine.BlasThreads;
import org.deit4j.engine.Engine;
import org.deit4j.engine.OneDnn;
import org.deit4j.engine.Scopes;

/**
 * The ViT / DeiT / DeiT-III family as one configurable module (timm {@code VisionTransformer} and
 * {@code VisionTransformerDistilled}). Module and parameter names are timm's, so {@code
 * named_parameters()} yields checkpoint keys such as {@code blocks.3.attn.qkv.weight} with no
 * mapping table.
 *
 * <pre>
 * tokens = [cls, (dist), patch_embed(img)] + pos_embed      // DeiT (paper fig. 2)
 * tokens = blocks(tokens); tokens = norm(tokens)            // forwardFeatures
 * logits = head(tokens[:, 0]), head_dist(tokens[:, 1])      // forwardHead
 * </pre>
 */
public final class VisionTransformer extends Module {
  private final VitConfig config;
  private final PatchEmbed patchEmbed;
  private final Tensor clsToken;
  private final Tensor posEmbed;
  private final Tensor distToken;
  private final List<Block> blocks;
  // Every Java-side module must stay reachable from its parent: libtorch calls back into the Java
  // peer (e.g. train()/eval() recursion), and a collected peer makes that call fail.
  private final Module blocksContainer;
  private final LayerNormImpl norm;
  private final LinearImpl head;
  private final LinearImpl headDist;

  /** Builds the model with timm's initialisation ({@code init_weights_vit_timm}). */
  public VisionTransformer(VitConfig config) {
    this(config, true);
  }

  /**
   * Builds the model; {@code initWeights} false skips timm's initialisation (libtorch's layer
   * defaults and zero tokens remain) for a model whose every weight a strict load replaces next:
   * the truncated-normal draws take seconds for the larger presets (scratch harness timing {@code
   * Models.create}: DeiT-B built in 3.2-3.5 s with them, 1.3 s without, 2 threads; RegNetY-160 1.5
   * against 1.25 s).
   */
  public VisionTransformer(VitConfig config, boolean initWeights) {
    Engine.init();
    this.config = config;
    int c = config.embedDim();
    // Registration order = timm state_dict order: own params (cls_token, pos_embed, dist_token),
    // then submodules (patch_embed, blocks, norm, head, head_dist).
    // Keep our own handles: register_parameter returns a reference into the module's parameter
    // table, which moves when the table grows; the handle we pass in shares the same storage.
    clsToken = param("cls_token", torch.zeros(1, 1, c));
    posEmbed = param("pos_embed", torch.zeros(1, config.posEmbedLength(), c));
    distToken = config.distilled() ? param("dist_token", torch.zeros(1, 1, c)) : null;
    patchEmbed =
        register_module("patch_embed", new PatchEmbed(config.inChans(), c, config.patchSize()));
    Module container = register_module("blocks", new Module());
    blocksContainer = container;
    float[] dpr = DropPath.rates(config.dropPathRate(), config.depth());
    List<Block> list = new ArrayList<>();
    for (int i = 0; i < config.depth(); i++) {
      list.add(container.register_module(Integer.toString(i), new Block(config, dpr[i])));
    }
    blocks = Collections.unmodifiableList(list);
    norm = register_module("norm", Block.layerNorm(c));
    head =
        config.numClasses() > 0
            ? register_module("head", new LinearImpl(c, config.numClasses()))
            : null;
    headDist =
        config.distilled() && config.numClasses() > 0
            ? register_module("head_dist", new LinearImpl(c, config.numClasses()))
            : null;
    if (initWeights) {
      initWeights();
    }
  }

  private Tensor param(String name, Tensor t) {
    register_parameter(name, t);
    return t;
  }

  private void initWeights() {
    // timm VisionTransformer.init_weights(''): pos_embed trunc_normal(.02), cls_token normal(1e-6);
    // VisionTransformerDistilled additionally trunc_normal(.02) on dist_token; every Linear gets
    // trunc_normal(.02) weights and zero bias; LayerNorm stays (1, 0); the patch conv keeps
    // PyTorch's default init.
    Init.truncNormal(posEmbed, .02);
    Init.normal(clsToken, 1e-6);
    if (distToken != null) {
      Init.truncNormal(distToken, .02);
    }
    for (Block b : blocks) {
      initLinear(b.attn().qkv());
      initLinear(b.attn().proj());
      initLinear(b.mlp().fc1());
      initLinear(b.mlp().fc2());
    }
    if (head != null) {
      initLinear(head);
    }
    if (headDist != null) {
      initLinear(headDist);
    }
  }

  private static void initLinear(LinearImpl l) {
    Init.truncNormal(l.weight(), .02);
    if (l.options().bias().get()) {
      Init.constant(l.bias(), 0);
    }
  }

  /** The configuration this model was built from. */
  public VitConfig config() {
    return config;
  }

  /** Patch tokens before prefix tokens and position embedding: (B, 3, H, W) -> (B, N, C). */
  public Tensor patchEmbed(Tensor x) {
    return patchEmbed.forward(x);
  }

  /**
   * All tokens after the final norm (timm {@code forward_features}): (B, in, H, W) -> (B, prefix +
   * N, C).
   */
  public Tensor forwardFeatures(Tensor x) {
    return singleBlasThreadForFp32Inference(() -> features(x));
  }

  /**
   * Runs {@code body} with OpenBLAS single-threaded when no gradient is recorded and autocast is
   * off (bf16 inference uses no OpenBLAS, and switching its thread count costs). fp32 inference
   * multiplies through oneDNN ({@link InferenceLinear}) and libtorch's fused attention, both on
   * libtorch's OpenMP threads; OpenBLAS serves only inside the fused attention, already one thread
   * there ({@link Attention#attention}). Its own pool at 2 threads would only wake between ops and
   * take the cores from OpenMP's: DeiT-Ti fp32, 2 cores, alternated in one process (scratch
   * harness, medians): batch 1 12.9 to 24.6 img/s, batch 8 59.0 to 71.4, batch 32 75.6 to 83.3,
   * together with oneDNN linears at every batch size.
   */
  static <T> T singleBlasThreadForFp32Inference(Supplier<T> body) {
    boolean fp32Inference =
        !GradMode.is_enabled()
            && !torch.is_autocast_enabled(torch.DeviceType.CPU)
            && OneDnn.enabled(); // switched off, the linears are OpenBLAS's and need its threads
    return fp32Inference ? BlasThreads.singleThreaded(body) : body.get();
  }

  private Tensor features(Tensor x) {
    checkInput(x);
    long b = x.size(0);
    Tensor patches = patchEmbed.forward(x); // (B, N, C)
    Tensor cls = clsToken.expand(b, -1, -1); // (B, 1, C)
    Tensor tokens;
    if (config.noEmbedClass()) {
      // DeiT-III: position embedding on patches only, prefix tokens concatenated after.
      Tensor p = patches.add(posEmbed); // (B, N, C)
      tokens = torch.cat(prefix(cls, b, p), 1); // (B, prefix + N, C)
    } else {
      tokens = torch.cat(prefix(cls, b, patches), 1).add(posEmbed); // (B, prefix + N, C)
    }
    if (config.dropRate() > 0 && is_training()) {
      tokens = torch.dropout(tokens, config.dropRate(), true);
    }
    for (Block blk : blocks) {
      Tensor in = tokens;
      tokens = Scopes.keepResult(() -> blk.forward(in)); // a block's intermediates freed at its end
    }
    return norm.forward(tokens);
  }

  private TensorVector prefix(Tensor cls, long b, Tensor rest) {
    return distToken == null
        ? new TensorVector(cls, rest)
        : new TensorVector(cls, distToken.expand(b, -1, -1), rest); // [cls, dist, patches]
  }

  private void checkInput(Tensor x) {
    if (x.ndimension() != 4 || x.size(1) != config.inChans()) {
      throw new IllegalArgumentException(
          "expected input (B, "
              + config.inChans()
              + ", H, W), got "
              + java.util.Arrays.toString(x.shape()));
    }
    if (x.size(2) != config.imgSize() || x.size(3) != config.imgSize()) {
      throw new IllegalArgumentException(
          "input is "
              + x.size(2)
              + "x"
              + x.size(3)
              + " but the model's img_size is "
              + config.imgSize()
              + " (resample pos_embed for another size: --img-size)");
    }
  }

  /**
   * Classifier heads on the normalised tokens. A distilled model returns {@link Logits.Distilled}
   * in training and the fused mean in eval (deit's {@code DistilledVisionTransformer}); a model
   * without head ({@code num_classes=0}) returns the class token's features.
   */
  public Logits forwardHead(Tensor features) {
    if (headDist != null) {
      Logits.Distilled both = heads(features);
      return is_training() ? both : new Logits.Single(both.fused());
    }
    Tensor pooled = features.select(1, 0); // (B, C): global_pool='token'
    if (head == null) {
      return new Logits.Single(pooled);
    }
    if (config.dropRate() > 0 && is_training()) {
      pooled = torch.dropout(pooled, config.dropRate(), true); // timm head_drop
    }
    return new Logits.Single(head.forward(pooled));
  }

  /** Both heads of a distilled model, whatever the mode (for per-head evaluation). */
  public Logits.Distilled heads(Tensor features) {
    if (headDist == null) {
      throw new IllegalStateException("model has no distillation head");
    }
    Tensor cls = head.forward(features.select(1, 0)); // (B, K)
    Tensor dist = headDist.forward(features.select(1, 1)); // (B, K)
    return new Logits.Distilled(cls, dist);
  }

  /** {@code forwardHead(forwardFeatures(x))}. */
  public Logits forward(Tensor x) {
    return singleBlasThreadForFp32Inference(() -> forwardHead(features(x)));
  }

  /** Total number of parameters. */
  public long parameterCount() {
    long n = 0;
    TensorVector ps = parameters();
    for (long i = 0; i < ps.size(); i++) {
      n += ps.get(i).numel();
    }
    return n;
  }

  /** Eval-mode prediction without autograd: fused logits (B, K). */
  public Tensor predict(Tensor x) {
    boolean was = is_training();
    eval();
    try (NoGradGuard g = new NoGradGuard()) {
      return forward(x).fused();
    } finally {
      train(was);
    }
  }
}
