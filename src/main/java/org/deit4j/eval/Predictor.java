package org.deit4j.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.deit4j.augment.Image;
import org.deit4j.augment.Normalize;
import org.deit4j.augment.Recipes;
import org.deit4j.augment.SampleTransform;
import org.deit4j.data.ClassMap;
import org.deit4j.data.ImageDecoder;
import org.deit4j.engine.Precision;
import org.deit4j.engine.Tensors;
import org.deit4j.train.Checkpoint;
import org.deit4j.train.Classifier;
import org.deit4j.train.MixedPrecision;
import org.deit4j.train.Models;
import org.deit4j.train.TrainConfig;

/** Top-k class probabilities for images, with the eval transform of the model's training run. */
public final class Predictor {
  private final Classifier model;
  private final ClassMap classes;
  private final SampleTransform transform;

  /** A predictor over a model, its class names and the eval transform. */
  public Predictor(Classifier model, ClassMap classes, SampleTransform transform) {
    if (classes.size() != model.numClasses()) {
      throw new IllegalArgumentException(
          classes.size() + " class names for a model with " + model.numClasses() + " classes");
    }
    this.model = model;
    this.classes = classes;
    this.transform = transform;
  }

  /** One class and its probability. */
  public record Scored(String label, int index, double probability) {}

  /** The top-k of one image. */
  public record Prediction(String image, List<Scored> top) {}

  /**
   * Loads a deit4j checkpoint: model configuration, weights (the EMA's when {@code ema} and
   * present), class names and normalisation come from the checkpoint.
   */
  public static Predictor fromCheckpoint(Path checkpoint, boolean ema) throws IOException {
    return fromCheckpoint(checkpoint, ema, Precision.FP32);
  }

  /** Like {@link #fromCheckpoint(Path, boolean)}, predicting at precision {@code p}. */
  public static Predictor fromCheckpoint(Path checkpoint, boolean ema, Precision p)
      throws IOException {
    Checkpoint c = Checkpoint.load(checkpoint);
    Classifier m = Models.fromCheckpoint(c, ema);
    return new Predictor(
        MixedPrecision.classifier(m, p), c.classes(), evalTransform(c.config(), m));
  }

  /** The eval transform a run's configuration implies. */
  public static SampleTransform evalTransform(TrainConfig cfg, Classifier m) {
    int size = cfg.inputSize() != null ? cfg.inputSize() : imgSize(m);
    double[] mean = cfg.mean() != null ? cfg.mean() : Normalize.IMAGENET_MEAN;
    double[] std = cfg.std() != null ? cfg.std() : Normalize.IMAGENET_STD;
    return Recipes.eval(size).withNormalization(mean, std).build();
  }

  private static int imgSize(Classifier m) {
    if (m.module() instanceof org.deit4j.model.VisionTransformer v) {
      return v.config().imgSize();
    }
    throw new IllegalArgumentException(
        "the input size of this model is unknown; train with --input-size");
  }

  /** Class names. */
  public ClassMap classes() {
    return classes;
  }

  /** Predicts decoded images (fused logits, softmax), in batches of {@code batch}. */
  @SuppressWarnings("try")
  public List<Prediction> predict(List<String> names, List<Image> images, int topk, int batch) {
    int k = Math.min(topk, classes.size());
    List<Prediction> out = new ArrayList<>();
    int[] shape = transform.outputShape();
    boolean was = model.module().is_training();
    model.module().eval();
    try (NoGradGuard g = new NoGradGuard()) {
      for (int start = 0; start < images.size(); start += batch) {
        int n = Math.min(batch, images.size() - start);
        int per = shape[0] * shape[1] * shape[2];
        float[] buf = new float[n * per];
        for (int i = 0; i < n; i++) {
          // the eval transform is deterministic; the generator is never consulted
          float[] x = transform.apply(images.get(start + i), new SplittableRandom(0));
          System.arraycopy(x, 0, buf, i * per, per);
        }
        try (PointerScope scope = new PointerScope()) {
          Tensor x = Tensors.floats(buf, n, shape[0], shape[1], shape[2]); // (B, C, H, W)
          Tensor p = torch.softmax(model.evalHeads(x).get("fused"), 1); // (B, K)
          float[] probs = Tensors.toFloats(p);
          for (int i = 0; i < n; i++) {
            out.add(new Prediction(names.get(start + i), top(probs, i * classes.size(), k)));
          }
        }
      }
    } finally {
      model.module().train(was);
    }
    return out;
  }

  /** Decodes and predicts image files. */
  public List<Prediction> predictFiles(List<Path> files, int topk, int batch) {
    List<String> names = new ArrayList<>();
    List<Image> images = new ArrayList<>();
    for (Path f : files) {
      names.add(f.toString());
      images.add(ImageDecoder.decode(f));
    }
    return predict(names, images, topk, batch);
  }

  private List<Scored> top(float[] probs, int offset, int k) {
    Integer[] idx = new Integer[classes.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Float.compare(probs[offset + b], probs[offset + a]));
    List<Scored> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      out.add(new Scored(classes.name(idx[i]), idx[i], probs[offset + idx[i]]));
    }
    return out;
  }
}
