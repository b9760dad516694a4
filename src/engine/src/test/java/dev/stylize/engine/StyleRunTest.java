package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.images.RgbImages;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.optim.DamagedCheckpointException;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.Scale;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static dev.stylize.plan.PlanOptions.CHECKPOINT_EVERY;
import static dev.stylize.plan.PlanOptions.LEARNING_RATE;
import static dev.stylize.plan.PlanOptions.MAX_SIZE;
import static dev.stylize.plan.PlanOptions.OPTIMIZER;
import static dev.stylize.plan.PlanOptions.SCALES;
import static dev.stylize.plan.PlanOptions.STEPS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StyleRunTest {
    private static final BufferedImage CONTENT = SeedReferenceTest.decode("reference/content.png");
    private static final BufferedImage STYLE = SeedReferenceTest.decode("reference/style.png");
    private static final StyleInputs ORIGINALS = new StyleInputs(CONTENT, STYLE);

    /** Two scales of three steps, 64 then 128 px. */
    private static StylePlan twoScales(Preset preset, PlanOptions more) {
        return TestPlans.plan(preset, CONTENT, PlanOptions.of(MAX_SIZE, 128).with(SCALES, 2).with(STEPS, 3).orElse(more));
    }

    @Test
    void eachScaleStartsFromThePreviousResultUpsampled() {
        StylePlan plan = twoScales(Preset.SEED, PlanOptions.of(OPTIMIZER, OptimizerKind.ADAM).with(LEARNING_RATE, 0.05));
        List<BufferedImage> results = new ArrayList<>();
        List<BufferedImage> initials = new ArrayList<>();
        StyleRun.Listener listener = new StyleRun.Listener() {
            @Override
            public void scaleStarted(int index, Scale scale, BufferedImage initial) {
                initials.add(initial);
            }

            @Override
            public void scaleFinished(int index, Scale scale, BufferedImage result) {
                results.add(result);
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
             StyleRun run = StyleRun.start(TestWeights.vgg(Pooling.MAX), ORIGINALS, plan, manager, listener,
                     MemoryBudget.ofAvailableMemory())) {
            assertEquals(StyleRun.Ending.FINISHED, run.run(() -> false));
            assertEquals(6, run.stepsDone());
            assertEquals(64, results.get(0).getWidth());
            assertEquals(128, run.image().getWidth());
            BufferedImage handedOver = RgbImages.resize(results.get(0), 128, results.get(1).getHeight());
            assertArrayEquals(StyleTransferTest.pixels(handedOver), StyleTransferTest.pixels(initials.get(1)),
                    "the fine scale starts from the coarse result, upsampled");
        }
    }

    /** The worker's network serves one job after another: a painting used again costs no forward pass and changes nothing. */
    @Test
    void aPaintingUsedAgainComesFromTheNetworksMemoAndGivesTheSameResult() {
        StylePlan plan = twoScales(Preset.QUALITY, PlanOptions.NONE);
        try (NDManager manager = NDManager.newBaseManager();
             Vgg19Features fresh = new Vgg19Features(TestWeights.weights(), Pooling.MAX, Precision.FP32);
             Vgg19Features reused = new Vgg19Features(TestWeights.weights(), Pooling.MAX, Precision.FP32)) {
            int[] first = result(reused, plan, manager);
            assertEquals(0, reused.memo().hits());
            int[] second = result(reused, plan, manager);
            assertEquals(2, reused.memo().hits(), "the painting at both scales");
            assertArrayEquals(first, second);
            assertArrayEquals(result(fresh, plan, manager), second, "as on a network that never saw it");
        }
    }

    private static int[] result(Vgg19Features vgg, StylePlan plan, NDManager manager) {
        try (StyleRun run = StyleRun.start(vgg, ORIGINALS, plan, manager, StyleRun.Listener.NONE, MemoryBudget.ofAvailableMemory())) {
            run.run(() -> false);
            return StyleTransferTest.pixels(run.image());
        }
    }

    @Test
    void theLoopReportsEveryStepCheckpointsWhenDueAndStopsWhenAsked() {
        StylePlan plan = twoScales(Preset.QUALITY, PlanOptions.of(CHECKPOINT_EVERY, 2));
        List<Integer> stepped = new ArrayList<>();
        List<Integer> checkpoints = new ArrayList<>();
        StyleRun.Listener listener = new StyleRun.Listener() {
            @Override
            public void stepped(StyleRun run, StepReport report) {
                stepped.add(report.step());
            }

            @Override
            public void checkpoint(StyleRun run) {
                checkpoints.add(run.stepsDone());
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
             StyleRun run = StyleRun.start(TestWeights.vgg(Pooling.MAX), ORIGINALS, plan, manager, listener,
                     MemoryBudget.ofAvailableMemory())) {
            assertEquals(StyleRun.Ending.STOPPED, run.run(() -> run.stepsDone() == 5));
            assertEquals(List.of(1, 2, 3, 1, 2), stepped, "step numbers count within each scale");
            assertEquals(List.of(2, 3, 4, 5), checkpoints, "every 2 steps, at the end of the coarse scale, and on stopping");
            assertEquals(StyleRun.Ending.FINISHED, run.run(() -> false));
            assertEquals(List.of(2, 3, 4, 5, 6), checkpoints, "and at the end");
        }
    }

    @Test
    void aRunResumedFromAnySnapshotEndsAsAnUninterruptedOne() {
        StylePlan plan = twoScales(Preset.QUALITY, PlanOptions.NONE);
        try (NDManager manager = NDManager.newBaseManager()) {
            var vgg = TestWeights.vgg(Pooling.MAX);
            List<byte[]> snapshots = new ArrayList<>();
            int[] uninterrupted;
            try (StyleRun run = StyleRun.start(vgg, ORIGINALS, plan, manager, StyleRun.Listener.NONE,
                    MemoryBudget.ofAvailableMemory())) {
                while (!run.isFinished()) {
                    run.step();
                    snapshots.add(run.snapshot());
                }
                uninterrupted = StyleTransferTest.pixels(run.image());
            }
            // Mid-coarse, the coarse scale's end (the hand-over) and mid-fine.
            for (int at : new int[] {2, 3, 5}) {
                try (StyleRun resumed = StyleRun.resume(vgg, ORIGINALS, plan, manager, StyleRun.Listener.NONE,
                        snapshots.get(at - 1), MemoryBudget.ofAvailableMemory())) {
                    assertEquals(at, resumed.stepsDone());
                    assertEquals(at <= 3 ? 0 : 1, resumed.scaleIndex());
                    if (at == 3) {
                        // 3 steps of 64x64 pixels done, 3 of 128x128 to go: a fifth of the work.
                        assertEquals(0.2, resumed.workDone(), 1e-12);
                    }
                    resumed.run(() -> false);
                    assertArrayEquals(uninterrupted, StyleTransferTest.pixels(resumed.image()), "resumed at step " + at);
                }
            }
            StylePlan oneScale = TestPlans.plan(Preset.QUALITY, CONTENT, PlanOptions.of(MAX_SIZE, 128).with(STEPS, 3));
            DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> StyleRun.resume(vgg, ORIGINALS,
                    oneScale, manager, StyleRun.Listener.NONE, snapshots.get(4), MemoryBudget.ofAvailableMemory()));
            assertEquals("the checkpoint belongs to scale 2 but the schedule has 1", e.getMessage());
        }
    }

    /**
     * A resumed run owns copies of the snapshot's arrays: the snapshot's bytes (and the buffers
     * decoded from them) may be collected and their memory reused at once without changing the run.
     */
    @Test
    void aResumedRunOwnsItsStateWhenTheSnapshotsMemoryIsReclaimed() {
        StylePlan plan = twoScales(Preset.QUALITY, PlanOptions.NONE);
        try (NDManager manager = NDManager.newBaseManager()) {
            var vgg = TestWeights.vgg(Pooling.MAX);
            byte[] snapshot;
            int[] uninterrupted;
            try (StyleRun run = StyleRun.start(vgg, ORIGINALS, plan, manager, StyleRun.Listener.NONE,
                    MemoryBudget.ofAvailableMemory())) {
                run.step();
                run.step();
                snapshot = run.snapshot();
                run.run(() -> false);
                uninterrupted = StyleTransferTest.pixels(run.image());
            }
            try (StyleRun resumed = StyleRun.resume(vgg, ORIGINALS, plan, manager, StyleRun.Listener.NONE, snapshot,
                    MemoryBudget.ofAvailableMemory())) {
                snapshot = null;
                List<java.nio.ByteBuffer> reuse = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    System.gc();
                    for (int j = 0; j < 32; j++) {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64 * 1024);
                        while (b.hasRemaining()) {
                            b.put((byte) 0x7F);
                        }
                        reuse.add(b);
                    }
                }
                resumed.run(() -> false);
                assertArrayEquals(uninterrupted, StyleTransferTest.pixels(resumed.image()));
                assertTrue(reuse.size() > 0);
            }
        }
    }
}
