package org.deit4j.model;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Pre-norm transformer block (timm {@code Block}):
 *
 * <pre>
 * x = x + drop_path(ls1(attn(norm1(x))))
 * x = x + drop_path(ls2(mlp(norm2(x))))
 * </pre>
 *
 * LayerNorm eps 1e-6 as timm's ViT ({@code partial(nn.LayerNorm, eps=1e-6)}).
 */
public final class Block extends Module {
  /** timm ViT's LayerNorm epsilon. */
  public static final double LN_EPS = 1e-6;

  private final LayerNormImpl norm1;
  private final Attention attn;
  private final LayerScale ls1;
  private final LayerNormImpl norm2;
  private final Mlp mlp;
  private final LayerScale ls2;
  private final double dropPath;

  public Block(VitConfig c, double dropPath) {
    this.dropPath = dropPath;
    int dim = c.embedDim();
    norm1 = register_module("norm1", layerNorm(dim));
    attn =
        register_module(
            "attn", new Attention(dim, c.numHeads(), c.qkvBias(), c.attnDropRate(), c.dropRate()));
    ls1 =
        c.initValues() == null ? null : register_module("ls1", new LayerScale(dim, c.initValues()));
    norm2 = register_module("norm2", layerNorm(dim));
    mlp = register_module("mlp", new Mlp(dim, c.mlpHidden(), c.dropRate()));
    ls2 =
        c.initValues() == null ? null : register_module("ls2", new LayerScale(dim, c.initValues()));
  }

  /** A LayerNorm over the last dimension with timm ViT's epsilon. */
  public static LayerNormImpl layerNorm(int dim) {
    LongVector shape = new LongVector(); // not new LongVector(dim): that is a size-dim vector of 0s
    shape.push_back(dim);
    LayerNormOptions o = new LayerNormOptions(shape);
    o.eps().put(LN_EPS);
    return new LayerNormImpl(o);
  }

  Attention attn() {
    return attn;
  }

  Mlp mlp() {
    return mlp;
  }

  /** (B, N, C) -> (B, N, C). */
  public Tensor forward(Tensor x) {
    boolean training = is_training();
    Tensor a = attn.forward(norm1.forward(x));
    if (ls1 != null) {
      a = ls1.forward(a);
    }
    x = x.add(DropPath.apply(a, dropPath, training));
    Tensor m = mlp.forward(norm2.forward(x));
    if (ls2 != null) {
      m = ls2.forward(m);
    }
    return x.add(DropPath.apply(m, dropPath, training));
  }
}
