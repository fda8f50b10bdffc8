package org.deit4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deit4j.bench.FashionMnistBenchmark.Grid;
import org.deit4j.distill.DistillationType;
import org.deit4j.model.ModelStats;
import org.deit4j.model.VitConfig;
import org.deit4j.train.Classifier;
import org.deit4j.train.Models;
import org.deit4j.train.TrainConfig;
import org.junit.jupiter.api.Test;

/**
 * Every setting of every run equals the benchmark definition ({@code
 * shared/benchmarks/fashion-mnist-distill.md}), checked field by field against values written out
 * here from that file (not from the code under test).
 */
class FashionMnistBenchmarkTest {
  static final Path OUT = Path.of("/runs/fm");
  static final FashionMnistBenchmark.Settings SETTINGS =
      new FashionMnistBenchmark.Settings(
          Path.of("/usr/share/datasets/fashion-mnist"), OUT, 2, null);

  /** name → {model, recipe, repeated aug, seed, distillation}, in plan order. */
  record Expect(String name, String model, String recipe, boolean ra, long seed, String dist) {}

  static final List<Expect> GRID_A =
      List.of(
          new Expect("A-teacher", "regnety_004", "deit", true, 0, "none"),
          new Expect("A-vit-s0", "vit_fm_patch4_28", "deit", true, 0, "none"),
          new Expect("A-vit-s1", "vit_fm_patch4_28", "deit", true, 1, "none"),
          new Expect("A-vit-noRA", "vit_fm_patch4_28", "deit", false, 0, "none"),
          new Expect("A-vit-plain", "vit_fm_patch4_28", "plain", true, 0, "none"),
          new Expect("A-deit-soft", "deit_fm_distilled_patch4_28", "deit", true, 0, "soft"),
          new Expect("A-deit-hard-s0", "deit_fm_distilled_patch4_28", "deit", true, 0, "hard"),
          new Expect("A-deit-hard-s1", "deit_fm_distilled_patch4_28", "deit", true, 1, "hard"),
          new Expect("A-hard-cls", "vit_fm_patch4_28", "deit", true, 0, "hard-cls"));

  static final List<Expect> GRID_B =
      List.of(
          new Expect("B-teacher", "regnety_004", "plain", false, 0, "none"),
          new Expect("B-vit-plain", "vit_fm_patch4_28", "plain", false, 0, "none"),
          new Expect("B-vit", "vit_fm_patch4_28", "deit", false, 0, "none"),
          new Expect("B-deit-soft", "deit_fm_distilled_patch4_28", "deit", false, 0, "soft"),
          new Expect("B-deit-hard", "deit_fm_distilled_patch4_28", "deit", false, 0, "hard"));

  @Test
  void gridAMatchesTheDefinition() {
    check(Grid.A, GRID_A, 30, 10);
  }

  @Test
  void gridBMatchesTheDefinition() {
    check(Grid.B, GRID_B, 100, 20);
  }

  private static void check(Grid grid, List<Expect> expected, int epochs, int evalEvery) {
    List<BenchmarkRun> plan = FashionMnistBenchmark.plan(grid, SETTINGS);
    assertEquals(
        expected.stream().map(Expect::name).toList(),
        plan.stream().map(BenchmarkRun::name).toList());
    for (int i = 0; i < plan.size(); i++) {
      BenchmarkRun r = plan.get(i);
      Expect e = expected.get(i);
      TrainConfig c = r.config();
      String n = r.name();
      assertEquals(grid, r.grid(), n);
      // data: first 1,000 per class of train, all of t10k, 28 px, FM mean/std on 3 channels
      assertEquals("idx:/usr/share/datasets/fashion-mnist:train?perClass=1000", c.trainData(), n);
      assertEquals("idx:/usr/share/datasets/fashion-mnist:t10k", c.testData(), n);
      assertNull(c.perClass(), n);
      assertEquals(28, c.inputSize(), n);
      assertArrayEquals(new double[] {0.2860, 0.2860, 0.2860}, c.mean(), n);
      assertArrayEquals(new double[] {0.3530, 0.3530, 0.3530}, c.std(), n);
      // models
      assertEquals(e.model(), c.model(), n);
      assertEquals(
          e.model().equals("regnety_004") ? Map.of("stem_stride", "1") : Map.of(),
          c.modelArgs(),
          n);
      // optimiser and schedule, same for every run
      assertEquals(256, c.batchSize(), n);
      assertEquals(epochs, c.epochs(), n);
      assertEquals(1e-3, c.lr(), n);
      assertTrue(c.unscaleLr(), n);
      assertEquals(1e-3, c.scaledLr(1), n);
      assertEquals(0.05, c.weightDecay(), n);
      assertNull(c.clipGrad(), n);
      assertEquals(5, c.warmupEpochs(), n);
      assertEquals(1e-6, c.warmupLr(), n);
      assertEquals(1e-5, c.minLr(), n);
      assertEquals("timm", c.lrConvention(), n);
      assertFalse(c.modelEma(), n + ": EMA off");
      assertFalse(c.bceLoss(), n);
      assertEquals(0.0, c.drop(), n);
      assertEquals(evalEvery, c.evalInterval(), n);
      assertEquals(e.ra(), c.repeatedAug(), n);
      assertEquals(e.seed(), c.seed(), n);
      assertEquals(OUT.resolve(n).toString(), c.outputDir(), n);
      // recipes: RandomCrop(28, pad 4) + flip come from recipe "deit" at <= 32 px
      assertEquals("deit", c.recipe(), n);
      assertEquals("pixel", c.remode(), n);
      assertEquals(1.0, c.mixupProb(), n);
      assertEquals(0.5, c.mixupSwitchProb(), n);
      boolean student = !e.model().equals("regnety_004");
      if (e.recipe().equals("deit")) {
        assertEquals("rand-m9-mstd0.5-inc1", c.aa(), n);
        assertEquals(0.25, c.reprob(), n);
        assertEquals(0.8, c.mixup(), n);
        assertEquals(1.0, c.cutmix(), n);
        assertTrue(c.mixupActive(), n);
        assertEquals(0.1, c.smoothing(), n);
        assertEquals(student ? 0.1 : 0.0, c.dropPath(), n);
      } else {
        assertEquals("", c.aa(), n);
        assertEquals(0.3, c.colorJitter(), n);
        assertEquals(0.0, c.reprob(), n);
        assertFalse(c.mixupActive(), n);
        assertEquals(0.0, c.smoothing(), n);
        assertEquals(0.0, c.dropPath(), n);
      }
      // distillation from the grid's teacher run's last checkpoint (best is picked on the test set)
      assertEquals(DistillationType.parse(e.dist()), c.distillationType(), n);
      if (e.dist().equals("none")) {
        assertNull(r.teacherRun(), n);
      } else {
        assertEquals(grid.name() + "-teacher", r.teacherRun(), n);
        assertEquals("regnety_004", c.teacherModel(), n);
        assertEquals(Map.of("stem_stride", "1"), c.teacherArgs(), n);
        assertEquals(
            OUT.resolve(grid.name() + "-teacher/last.safetensors").toString(), c.teacherPath(), n);
        assertEquals(0.5, c.distillationAlpha(), n);
        assertEquals(1.0, c.distillationTau(), n);
      }
    }
  }

  @Test
  void modelSizesAreTheDefinitions() {
    assertEquals(307_082, ModelStats.parameterCount(VitConfig.preset("vit_fm_patch4_28")));
    assertEquals(
        307_860, ModelStats.parameterCount(VitConfig.preset("deit_fm_distilled_patch4_28")));
    Classifier teacher = Models.create("regnety_004", Map.of("stem_stride", "1"), 10, 0, 0);
    long n = 0;
    for (var p : teacher.module().parameters().get()) {
      n += p.numel();
    }
    assertEquals(3_907_554, n);
  }

  @Test
  void evaluationEpochsFormTheCurve() {
    TrainConfig a = FashionMnistBenchmark.plan(Grid.A, SETTINGS).get(1).config();
    assertEquals(List.of(9, 19, 29), evaluated(a));
    TrainConfig b = FashionMnistBenchmark.plan(Grid.B, SETTINGS).get(1).config();
    assertEquals(List.of(19, 39, 59, 79, 99), evaluated(b));
  }

  private static List<Integer> evaluated(TrainConfig c) {
    return java.util.stream.IntStream.range(0, c.epochs())
        .filter(c::evaluatesAfter)
        .boxed()
        .toList();
  }

  @Test
  void classNamesAreFashionWhateverTheFolderIsCalled() {
    assertEquals(
        "idx:/data/fm:train?perClass=1000&names=fashion",
        FashionMnistBenchmark.dataSpec(Path.of("/data/fm"), "train", 1000));
    assertEquals(
        "idx:/tmp/fashion-mini:t10k",
        FashionMnistBenchmark.dataSpec(Path.of("/tmp/fashion-mini"), "t10k", null));
  }

  @Test
  void shrinkChangesOnlyWhatItSays() {
    Shrink k = Shrink.parse("epochs=2,perClass=3,testPerClass=5,batch=8,tiny=true");
    assertEquals(new Shrink(2, 3, 5, 8, true), k);
    var s = new FashionMnistBenchmark.Settings(Path.of("/d/fashion"), OUT, 1, k);
    BenchmarkRun soft = FashionMnistBenchmark.plan(Grid.B, s).get(3);
    assertEquals(2, soft.config().epochs());
    assertEquals(8, soft.config().batchSize());
    assertEquals("idx:/d/fashion:train?perClass=3", soft.config().trainData());
    assertEquals("idx:/d/fashion:t10k?perClass=5", soft.config().testData());
    assertEquals(Map.of("depth", "1", "embed_dim", "32"), soft.config().modelArgs());
    assertEquals("regnety_002", soft.config().teacherModel());
    assertEquals(0.8, soft.config().mixup());
    assertThrows(IllegalArgumentException.class, () -> Shrink.parse("epoch=2"));
    assertThrows(IllegalArgumentException.class, () -> Shrink.parse("epochs=0"));
  }

  @Test
  void gridNames() {
    assertEquals(Grid.A, Grid.parse("a"));
    assertThrows(IllegalArgumentException.class, () -> Grid.parse("C"));
  }
}
