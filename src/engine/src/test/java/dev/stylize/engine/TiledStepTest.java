package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.loss.LossTerms;
import dev.stylize.engine.loss.StyleObjective;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.plan.LossForm;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A step evaluated in tiles equals the untiled step: same losses, same gradient up to float32
 * rounding. Odd sizes (75x53: pooling drops a last row and column) and tiles far smaller than the
 * halo (32 px own, 80 px halo) make every tile an edge case somewhere.
 */
class TiledStepTest {
    private static final int WIDTH = 75;
    private static final int HEIGHT = 53;
    private static final int TILE = 32;

    @ParameterizedTest
    @CsvSource({"SEED, MAX", "SEED, AVG", "PAPER, MAX", "PAPER, AVG"})
    void tiledEqualsUntiledInFloat32(LossForm form, Pooling pooling) {
        Difference d = compare(form, pooling, Precision.FP32);
        assertEquals(d.untiled().content(), d.tiled().content(), 1e-5 * d.untiled().content(), "content loss");
        assertEquals(d.untiled().style(), d.tiled().style(), 1e-5 * d.untiled().style(), "style loss");
        assertEquals(d.untiled().tv(), d.tiled().tv(), 1e-6 * d.untiled().tv(), "total-variation loss");
        assertTrue(d.gradient() <= 1e-4, "relative gradient difference " + d.gradient());
    }

    /** bf16 rounds each crop's activations as it does the whole image's, up to the order of sums. */
    @ParameterizedTest
    @CsvSource({"SEED, MAX", "PAPER, AVG"})
    void tiledEqualsUntiledInBf16WithinItsRounding(LossForm form, Pooling pooling) {
        Difference d = compare(form, pooling, Precision.BF16);
        assertEquals(d.untiled().totalValue(), d.tiled().totalValue(), 1e-3 * d.untiled().totalValue(), "loss");
        assertTrue(d.gradient() <= 1e-2, "relative gradient difference " + d.gradient());
    }

    private record Difference(LossTerms untiled, LossTerms tiled, double gradient) {
    }

    private static Difference compare(LossForm form, Pooling pooling, Precision precision) {
        StylePlan plan = (form == LossForm.SEED ? Preset.SEED : Preset.PAPER).plan(WIDTH, HEIGHT,
                PlanOptions.of(PlanOptions.POOLING, pooling).with(PlanOptions.TV_WEIGHT, 0.5));
        assertEquals(form, plan.objective().lossForm());
        try (NDManager manager = NDManager.newBaseManager();
             Vgg19Features vgg = new Vgg19Features(TestWeights.weights(), pooling, precision)) {
            NDArray content = TensorImages.noise(manager, WIDTH, HEIGHT, 1);
            NDArray style = TensorImages.noise(manager, 61, 70, 2);
            NDArray image = TensorImages.noise(manager, WIDTH, HEIGHT, 3);
            LossTerms untiled = new StyleObjective(vgg, plan.objective(), manager, content, List.of(style), List.of(1.0),
                    Integer.MAX_VALUE)
                    .evaluate(image);
            LossTerms tiled = new StyleObjective(vgg, plan.objective(), manager, content, List.of(style), List.of(1.0), TILE)
                    .evaluate(image);
            double gradient = tiled.gradient().sub(untiled.gradient()).norm().getFloat()
                    / untiled.gradient().norm().getFloat();
            return new Difference(untiled, tiled, gradient);
        }
    }

    @Test
    void aRunResumedAcrossTiledStepsEqualsAnUninterruptedOne() {
        StyleInputs originals = new StyleInputs(SeedReferenceTest.decode("reference/content.png"),
                SeedReferenceTest.decode("reference/style.png"));
        StylePlan plan = TestPlans.plan(Preset.QUALITY, originals.content(),
                PlanOptions.of(PlanOptions.MAX_SIZE, 203).with(PlanOptions.STEPS, 6));
        MemoryBudget tiles = MemoryBudget.ofAvailableMemory().withTileSize(128);
        Vgg19Features vgg = TestWeights.vgg(plan.pooling());
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] uninterrupted;
            try (StyleRun run = StyleRun.start(vgg, originals, plan, manager, StyleRun.Listener.NONE, tiles)) {
                assertTrue(run.memoryPlan().tiled(), "a " + run.content().getWidth() + " px image in tiles of 128");
                run.run(() -> false);
                uninterrupted = run.snapshot();
            }
            byte[] halfway;
            try (StyleRun run = StyleRun.start(vgg, originals, plan, manager, StyleRun.Listener.NONE, tiles)) {
                for (int i = 0; i < 3; i++) {
                    run.step();
                }
                halfway = run.snapshot();
            }
            MemoryBudget other = MemoryBudget.ofAvailableMemory();
            try (StyleRun resumed = StyleRun.resume(vgg, originals, plan, manager, StyleRun.Listener.NONE, halfway, other)) {
                assertEquals(128, resumed.memoryPlan().tileSize(), "the snapshot's plan, not the new budget's");
                resumed.run(() -> false);
                assertArrayEquals(uninterrupted, resumed.snapshot());
            }
        }
    }
}
