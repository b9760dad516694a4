package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.image.TensorImages;
import dev.stylize.engine.loss.LossForm;
import dev.stylize.engine.loss.LossTerms;
import dev.stylize.engine.loss.StyleObjective;
import dev.stylize.engine.model.Pooling;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
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
        StyleOptions preset = (form == LossForm.SEED ? Preset.SEED : Preset.PAPER).options().withPooling(pooling);
        StyleOptions options = preset.withWeights(preset.contentWeight(), preset.styleWeight(), 0.5);
        try (NDManager manager = NDManager.newBaseManager();
             Vgg19Features vgg = new Vgg19Features(TestWeights.weights(), pooling, precision)) {
            NDArray content = TensorImages.noise(manager, WIDTH, HEIGHT, 1);
            NDArray style = TensorImages.noise(manager, 61, 70, 2);
            NDArray image = TensorImages.noise(manager, WIDTH, HEIGHT, 3);
            LossTerms untiled = new StyleObjective(vgg, options, manager, content, List.of(style), List.of(1.0))
                    .evaluate(image);
            LossTerms tiled = new StyleObjective(vgg, options, manager, content, List.of(style), List.of(1.0), TILE)
                    .evaluate(image);
            double gradient = tiled.gradient().sub(untiled.gradient()).norm().getFloat()
                    / untiled.gradient().norm().getFloat();
            return new Difference(untiled, tiled, gradient);
        }
    }

    @Test
    void aRunResumedAcrossTiledStepsEqualsAnUninterruptedOne() {
        StyleOptions options = Preset.QUALITY.options().withMaxSize(203).withSteps(6);
        StyleInputs inputs = StyleInputs.prepare(SeedReferenceTest.decode("reference/content.png"),
                SeedReferenceTest.decode("reference/style.png"), options);
        MemoryBudget tiles = MemoryBudget.ofAvailableMemory().withTileSize(128);
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] uninterrupted;
            try (StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.MAX), inputs, options, manager, tiles)) {
                assertTrue(run.memoryPlan().tiled(), "a " + inputs.content().getWidth() + " px image in tiles of 128");
                while (!run.isFinished()) {
                    run.step();
                }
                uninterrupted = run.snapshot();
            }
            byte[] halfway;
            try (StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.MAX), inputs, options, manager, tiles)) {
                for (int i = 0; i < 3; i++) {
                    run.step();
                }
                halfway = run.snapshot();
            }
            MemoryBudget other = MemoryBudget.ofAvailableMemory();
            try (StyleTransfer resumed = StyleTransfer.resume(TestWeights.vgg(Pooling.MAX), inputs, options, manager,
                    halfway, other)) {
                assertEquals(128, resumed.memoryPlan().tileSize(), "the snapshot's plan, not the new budget's");
                while (!resumed.isFinished()) {
                    resumed.step();
                }
                assertArrayEquals(uninterrupted, resumed.snapshot());
            }
        }
    }
}
