package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.StyleOptions.Init;
import dev.stylize.engine.StyleOptions.OptimizerKind;
import dev.stylize.engine.model.Pooling;
import dev.stylize.engine.model.VggLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.image.BufferedImage;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StyleTransferTest {
    private static final BufferedImage CONTENT = SeedReferenceTest.decode("reference/content.png");
    private static final BufferedImage STYLE = SeedReferenceTest.decode("reference/style.png");

    @Test
    void withoutStyleTheImageConvergesTowardTheContent() {
        StyleOptions options = Preset.PAPER.options().withMaxSize(32).withSteps(60)
                .withWeights(1.0, 0.0, 0.0).withInit(Init.NOISE)
                .withStyleLayerWeights(Map.of(VggLayer.CONV1_1, 1.0));
        options = new StyleOptions(options.lossForm(), options.steps(), options.maxSize(), 1.0, 0.0, 0.0,
                VggLayer.CONV1_1, options.styleLayerWeights(), options.optimizer(), options.learningRate(),
                options.init(), options.seed(), options.pooling(), options.styleFitsContent());
        StyleInputs inputs = StyleInputs.prepare(CONTENT, STYLE, options);
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.AVG), inputs, options, manager)) {
            double before = meanAbsDifference(run.image(), inputs.content());
            StepReport first = run.step();
            StepReport last = first;
            while (!run.isFinished()) {
                last = run.step();
            }
            double after = meanAbsDifference(run.image(), inputs.content());
            assertTrue(last.contentLoss() < first.contentLoss() * 1e-3,
                    "content loss " + first.contentLoss() + " -> " + last.contentLoss());
            assertTrue(after < before * 0.2, "pixel distance to the content " + before + " -> " + after);
        }
    }

    @Test
    void withoutContentTheGramMatricesApproachTheStyle() {
        StyleOptions options = Preset.PAPER.options().withMaxSize(48).withSteps(60).withWeights(0.0, 1e3, 0.0);
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.AVG),
                     StyleInputs.prepare(CONTENT, STYLE, options), options, manager)) {
            StepReport first = run.step();
            StepReport last = first;
            while (!run.isFinished()) {
                last = run.step();
            }
            assertTrue(last.styleLoss() < first.styleLoss() * 0.01,
                    "style loss " + first.styleLoss() + " -> " + last.styleLoss());
        }
    }

    @Test
    void theSameSeedGivesTheIdenticalImage() {
        StyleOptions options = Preset.PAPER.options().withMaxSize(32).withSteps(5).withSeed(11);
        int[] a = pixels(runToEnd(options));
        int[] b = pixels(runToEnd(options));
        int[] other = pixels(runToEnd(options.withSeed(12)));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, other), "another seed starts from other noise");
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void aResumedRunEqualsAnUninterruptedOne(OptimizerKind optimizer) {
        StyleOptions options = Preset.SEED.options().withMaxSize(40).withSteps(8)
                .withOptimizer(optimizer, optimizer == OptimizerKind.ADAM ? 0.02 : 1.0);
        StyleInputs inputs = StyleInputs.prepare(CONTENT, STYLE, options);
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] uninterrupted;
            try (StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.MAX), inputs, options, manager)) {
                while (!run.isFinished()) {
                    run.step();
                }
                uninterrupted = run.snapshot();
            }
            byte[] halfway;
            try (StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.MAX), inputs, options, manager)) {
                for (int i = 0; i < 4; i++) {
                    run.step();
                }
                halfway = run.snapshot();
            }
            try (StyleTransfer resumed = StyleTransfer.resume(TestWeights.vgg(Pooling.MAX), inputs, options, manager, halfway)) {
                assertEquals(4, resumed.stepsDone());
                while (!resumed.isFinished()) {
                    resumed.step();
                }
                assertArrayEquals(uninterrupted, resumed.snapshot(),
                        "image, step and optimiser state after resuming equal those of an uninterrupted run");
            }
        }
    }

    @Test
    void blendWeightsOneAndZeroEqualTheSingleStyleRun() {
        StyleOptions options = Preset.SEED.options().withMaxSize(32).withSteps(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] single = snapshotAfterRun(StyleInputs.prepare(CONTENT, STYLE, options), options, manager);
            byte[] blended = snapshotAfterRun(StyleInputs.prepare(CONTENT, java.util.List.of(STYLE, CONTENT),
                    java.util.List.of(1.0, 0.0), options), options, manager);
            byte[] mixed = snapshotAfterRun(StyleInputs.prepare(CONTENT, java.util.List.of(STYLE, CONTENT),
                    java.util.List.of(0.5, 0.5), options), options, manager);
            assertArrayEquals(single, blended);
            assertFalse(java.util.Arrays.equals(single, mixed), "a real blend changes the result");
        }
    }

    private static byte[] snapshotAfterRun(StyleInputs inputs, StyleOptions options, NDManager manager) {
        try (StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.MAX), inputs, options, manager)) {
            while (!run.isFinished()) {
                run.step();
            }
            return run.snapshot();
        }
    }

    @Test
    void styleScaleSizesThePaintingsRelativeToTheResult() {
        StyleOptions options = Preset.PAPER.options().withMaxSize(64);
        StyleInputs half = StyleInputs.prepare(CONTENT, java.util.List.of(STYLE), java.util.List.of(1.0), options, 0.5);
        assertEquals(64, half.content().getWidth());
        assertEquals(32, Math.max(half.style().getWidth(), half.style().getHeight()));
        StyleInputs twice = StyleInputs.prepare(CONTENT, java.util.List.of(STYLE), java.util.List.of(1.0), options, 2.0);
        assertEquals(128, Math.max(twice.style().getWidth(), twice.style().getHeight()));
        assertMessage("style scale must be from 0.1 to 4, got 10.0", () -> StyleInputs.prepare(CONTENT,
                java.util.List.of(STYLE), java.util.List.of(1.0), options, 10));
    }

    @Test
    void aDivergingRunStopsWithAClearError() {
        StyleOptions options = Preset.SEED.options().withMaxSize(32).withSteps(30)
                .withOptimizer(OptimizerKind.LBFGS, 1e3).withWeights(1, 1e12, 0);
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.MAX),
                     StyleInputs.prepare(CONTENT, STYLE, options), options, manager)) {
            OptimizationDivergedException e = assertThrows(OptimizationDivergedException.class, () -> {
                while (!run.isFinished()) {
                    run.step();
                }
            });
            assertTrue(e.getMessage().contains("the optimisation diverged"), e.getMessage());
        }
    }

    @Test
    void aCheckpointOfAnotherSizeIsRefused() {
        StyleOptions small = Preset.SEED.options().withMaxSize(32).withSteps(2);
        StyleOptions large = small.withMaxSize(40);
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] snapshot;
            try (StyleTransfer run = StyleTransfer.start(TestWeights.vgg(Pooling.MAX),
                    StyleInputs.prepare(CONTENT, STYLE, small), small, manager)) {
                run.step();
                snapshot = run.snapshot();
            }
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> StyleTransfer.resume(
                    TestWeights.vgg(Pooling.MAX), StyleInputs.prepare(CONTENT, STYLE, large), large, manager, snapshot));
            assertTrue(e.getMessage().contains("checkpoint holds a 32x22 image"), e.getMessage());
        }
    }

    @Test
    void optionsOutOfBoundsAreRefusedWithTheirName() {
        StyleOptions seed = Preset.SEED.options();
        assertMessage("steps must be between 1 and 20000, got 1000000000", () -> seed.withSteps(1_000_000_000).validate());
        assertMessage("max size must be between 16 and 8192 pixels, got 1000000", () -> seed.withMaxSize(1_000_000).validate());
        assertMessage("style weight must be a number from 0 to 1e12, got NaN", () -> seed.withWeights(1, Double.NaN, 0).validate());
        assertMessage("content weight must be a number from 0 to 1e12, got -1.0", () -> seed.withWeights(-1, 1, 0).validate());
        assertMessage("learning rate must be above 0", () -> seed.withOptimizer(OptimizerKind.ADAM, 0).validate());
        assertMessage("at least one style layer is needed", () -> seed.withStyleLayerWeights(Map.of()).validate());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        InvalidInputException e = assertThrows(InvalidInputException.class, call);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    private static BufferedImage runToEnd(StyleOptions options) {
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = StyleTransfer.start(TestWeights.vgg(options.pooling()),
                     StyleInputs.prepare(CONTENT, STYLE, options), options, manager)) {
            while (!run.isFinished()) {
                run.step();
            }
            return run.image();
        }
    }

    static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static double meanAbsDifference(BufferedImage a, BufferedImage b) {
        int[] pa = pixels(a);
        int[] pb = pixels(b);
        double sum = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int shift = 0; shift < 24; shift += 8) {
                sum += Math.abs(((pa[i] >> shift) & 0xFF) - ((pb[i] >> shift) & 0xFF));
            }
        }
        return sum / (3.0 * pa.length);
    }
}
