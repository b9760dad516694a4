package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.plan.Init;
import dev.stylize.engine.optim.DamagedCheckpointException;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Objective;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import dev.stylize.plan.VggLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static dev.stylize.plan.PlanOptions.INIT;
import static dev.stylize.plan.PlanOptions.LEARNING_RATE;
import static dev.stylize.plan.PlanOptions.MAX_SIZE;
import static dev.stylize.plan.PlanOptions.OPTIMIZER;
import static dev.stylize.plan.PlanOptions.SEED;
import static dev.stylize.plan.PlanOptions.STEPS;
import static dev.stylize.plan.PlanOptions.STYLE_SCALE;
import static dev.stylize.plan.PlanOptions.STYLE_WEIGHT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StyleTransferTest {
    private static final BufferedImage CONTENT = SeedReferenceTest.decode("reference/content.png");
    private static final BufferedImage STYLE = SeedReferenceTest.decode("reference/style.png");
    private static final StyleInputs ORIGINALS = new StyleInputs(CONTENT, STYLE);

    private static StylePlan plan(Preset preset, PlanOptions options) {
        return TestPlans.plan(preset, CONTENT, options);
    }

    @Test
    void withoutStyleTheImageConvergesTowardTheContent() {
        StylePlan paper = plan(Preset.PAPER, PlanOptions.of(MAX_SIZE, 32).with(STEPS, 60).with(INIT, Init.NOISE));
        // Content at conv1_1, no style weight: the image must become the photo.
        StylePlan plan = new StylePlan(new Objective(paper.objective().lossForm(), VggLayer.CONV1_1, 1.0, 0.0, 0.0,
                Map.of(VggLayer.CONV1_1, 1.0)), paper.optimizer(), paper.learningRate(), paper.init(), paper.seed(),
                paper.pooling(), paper.styleFitsContent(), paper.styleScale(), paper.keepColors(), paper.schedule(),
                paper.checkpointEvery());
        StyleInputs inputs = ORIGINALS.sizedFor(plan, plan.schedule().get(0));
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.AVG), ORIGINALS, plan, manager)) {
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
        StylePlan plan = plan(Preset.PAPER, PlanOptions.of(MAX_SIZE, 48).with(STEPS, 60)
                .with(PlanOptions.CONTENT_WEIGHT, 0.0).with(STYLE_WEIGHT, 1e3));
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.AVG), ORIGINALS, plan, manager)) {
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
        PlanOptions options = PlanOptions.of(MAX_SIZE, 32).with(STEPS, 5).with(SEED, 11L);
        int[] a = pixels(runToEnd(plan(Preset.PAPER, options)));
        int[] b = pixels(runToEnd(plan(Preset.PAPER, options)));
        int[] other = pixels(runToEnd(plan(Preset.PAPER, options.with(SEED, 12L))));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, other), "another seed starts from other noise");
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void aResumedRunEqualsAnUninterruptedOne(OptimizerKind optimizer) {
        StylePlan plan = plan(Preset.SEED, PlanOptions.of(MAX_SIZE, 40).with(STEPS, 8).with(OPTIMIZER, optimizer)
                .with(LEARNING_RATE, optimizer == OptimizerKind.ADAM ? 0.02 : 1.0));
        StyleInputs inputs = ORIGINALS.sizedFor(plan, plan.schedule().get(0));
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] uninterrupted;
            try (StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.MAX), ORIGINALS, plan, manager)) {
                while (!run.isFinished()) {
                    run.step();
                }
                uninterrupted = snapshot(run, manager);
            }
            byte[] halfway;
            try (StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.MAX), ORIGINALS, plan, manager)) {
                for (int i = 0; i < 4; i++) {
                    run.step();
                }
                halfway = snapshot(run, manager);
            }
            try (NDManager decoded = manager.newSubManager();
                 StyleTransfer resumed = StyleTransfer.resume(TestWeights.vgg(Pooling.MAX), inputs, plan, 8, manager,
                         ai.djl.ndarray.NDList.decode(decoded, halfway), MemoryBudget.ofAvailableMemory())) {
                assertEquals(4, resumed.stepsDone());
                while (!resumed.isFinished()) {
                    resumed.step();
                }
                assertArrayEquals(uninterrupted, snapshot(resumed, manager),
                        "image, step and optimiser state after resuming equal those of an uninterrupted run");
            }
        }
    }

    @Test
    void blendWeightsOneAndZeroEqualTheSingleStyleRun() {
        StylePlan plan = plan(Preset.SEED, PlanOptions.of(MAX_SIZE, 32).with(STEPS, 3));
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] single = snapshotAfterRun(ORIGINALS, plan, manager);
            byte[] blended = snapshotAfterRun(new StyleInputs(CONTENT, List.of(STYLE, CONTENT), List.of(1.0, 0.0)), plan, manager);
            byte[] mixed = snapshotAfterRun(new StyleInputs(CONTENT, List.of(STYLE, CONTENT), List.of(0.5, 0.5)), plan, manager);
            assertArrayEquals(single, blended);
            assertFalse(java.util.Arrays.equals(single, mixed), "a real blend changes the result");
        }
    }

    private static byte[] snapshotAfterRun(StyleInputs originals, StylePlan plan, NDManager manager) {
        try (StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.MAX), originals, plan, manager)) {
            while (!run.isFinished()) {
                run.step();
            }
            return snapshot(run, manager);
        }
    }

    private static byte[] snapshot(StyleTransfer run, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            return run.state(scope).encode(ai.djl.ndarray.NDList.Encoding.SAFETENSORS);
        }
    }

    @Test
    void styleScaleSizesThePaintingsRelativeToTheResult() {
        StyleInputs half = ORIGINALS.sizedFor(plan(Preset.PAPER, PlanOptions.of(MAX_SIZE, 64).with(STYLE_SCALE, 0.5)),
                new dev.stylize.plan.Scale(64, 1));
        assertEquals(64, half.content().getWidth());
        assertEquals(32, Math.max(half.style().getWidth(), half.style().getHeight()));
        StyleInputs twice = ORIGINALS.sizedFor(plan(Preset.PAPER, PlanOptions.of(MAX_SIZE, 64).with(STYLE_SCALE, 2.0)),
                new dev.stylize.plan.Scale(64, 1));
        assertEquals(128, Math.max(twice.style().getWidth(), twice.style().getHeight()));
    }

    @Test
    void aPhotoTooNarrowForVggIsRefusedEvenWhenThePlanWasMadeElsewhere() {
        StylePlan plan = plan(Preset.PAPER, PlanOptions.of(MAX_SIZE, 64));
        BufferedImage sliver = new BufferedImage(640, 8, BufferedImage.TYPE_INT_RGB);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new StyleInputs(sliver, STYLE)
                .sizedFor(plan, plan.schedule().get(0)));
        assertEquals("the photo is 64x1 at the 64 px scale; VGG19 needs at least 16 px on its shortest side", e.getMessage());
    }

    @Test
    void aDivergingRunStopsWithAClearError() {
        StylePlan plan = plan(Preset.SEED, PlanOptions.of(MAX_SIZE, 32).with(STEPS, 30)
                .with(OPTIMIZER, OptimizerKind.LBFGS).with(LEARNING_RATE, 1e3).with(STYLE_WEIGHT, 1e12));
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.MAX), ORIGINALS, plan, manager)) {
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
        StylePlan small = plan(Preset.SEED, PlanOptions.of(MAX_SIZE, 32).with(STEPS, 2));
        StylePlan large = plan(Preset.SEED, PlanOptions.of(MAX_SIZE, 40).with(STEPS, 2));
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] snapshot;
            try (StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.MAX), ORIGINALS, small, manager)) {
                run.step();
                snapshot = snapshot(run, manager);
            }
            DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> {
                try (NDManager decoded = manager.newSubManager()) {
                    StyleTransfer.resume(TestWeights.vgg(Pooling.MAX), ORIGINALS.sizedFor(large, large.schedule().get(0)),
                            large, 2, manager, ai.djl.ndarray.NDList.decode(decoded, snapshot),
                            MemoryBudget.ofAvailableMemory());
                }
            });
            assertTrue(e.getMessage().contains("checkpoint holds a 32x22 image"), e.getMessage());
        }
    }

    private static BufferedImage runToEnd(StylePlan plan) {
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = TestPlans.start(TestWeights.vgg(plan.pooling()), ORIGINALS, plan, manager)) {
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
