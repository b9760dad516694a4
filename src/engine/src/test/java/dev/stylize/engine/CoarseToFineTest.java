package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.Pooling;
import dev.stylize.images.RgbImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoarseToFineTest {
    private static final BufferedImage CONTENT = SeedReferenceTest.decode("reference/content.png");
    private static final BufferedImage STYLE = SeedReferenceTest.decode("reference/style.png");
    private static final StyleInputs ORIGINALS = new StyleInputs(CONTENT, STYLE);

    @Test
    void sizesHalveDownFromTheRequestedOne() {
        assertEquals(List.of(new CoarseToFine.Scale(512, 50), new CoarseToFine.Scale(1024, 20), new CoarseToFine.Scale(2048, 5)),
                CoarseToFine.schedule(2048, 3, List.of(50, 20, 5)));
        assertEquals(List.of(new CoarseToFine.Scale(64, 7), new CoarseToFine.Scale(128, 7)), CoarseToFine.schedule(128, 2, List.of(7)));
        assertEquals(List.of(new CoarseToFine.Scale(48, 6)), CoarseToFine.schedule(48, 1, List.of(6)), "a single scale is the size asked for");
        assertThrows(InvalidInputException.class, () -> CoarseToFine.schedule(512, 3, List.of(1, 2)));
    }

    @Test
    void theQualityPresetGoesCoarseToFineFromAbout128PixelsAndTheOthersDoNot() {
        assertEquals(List.of(new CoarseToFine.Scale(128, 25), new CoarseToFine.Scale(256, 20), new CoarseToFine.Scale(512, 20)),
                Preset.QUALITY.schedule(512));
        assertEquals(List.of(new CoarseToFine.Scale(150, 25), new CoarseToFine.Scale(300, 20)), Preset.QUALITY.schedule(300));
        assertEquals(List.of(new CoarseToFine.Scale(200, 25)), Preset.QUALITY.schedule(200));
        assertEquals(5, Preset.QUALITY.schedule(2048).size());
        assertEquals(List.of(new CoarseToFine.Scale(400, 2000)), Preset.SEED.schedule(400));
        assertEquals(List.of(new CoarseToFine.Scale(512, 30)), Preset.QUALITY.schedule(512, 30), "own steps: the full size only");
    }

    @Test
    void eachScaleStartsFromThePreviousResultUpsampled() {
        StyleOptions options = Preset.SEED.options().withMaxSize(128).withOptimizer(StyleOptions.OptimizerKind.ADAM, 0.05);
        List<BufferedImage> results = new ArrayList<>();
        List<BufferedImage> initials = new ArrayList<>();
        CoarseToFine.Listener listener = new CoarseToFine.Listener() {
            @Override
            public void scaleStarted(int index, CoarseToFine.Scale scale, BufferedImage initial) {
                initials.add(initial);
            }

            @Override
            public void scaleFinished(int index, CoarseToFine.Scale scale, BufferedImage result) {
                results.add(result);
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
             CoarseToFine run = CoarseToFine.start(TestWeights.vgg(Pooling.MAX), ORIGINALS, 1.0, options,
                     CoarseToFine.schedule(128, 2, List.of(3)), manager, listener)) {
            while (!run.isFinished()) {
                run.step();
            }
            assertEquals(6, run.stepsDone());
            assertEquals(64, results.get(0).getWidth());
            assertEquals(128, run.image().getWidth());
            BufferedImage handedOver = RgbImages.resize(results.get(0), 128, results.get(1).getHeight());
            assertArrayEquals(StyleTransferTest.pixels(handedOver), StyleTransferTest.pixels(initials.get(1)),
                    "the fine scale starts from the coarse result, upsampled");
        }
    }

    @Test
    void aRunResumedFromAnySnapshotEndsAsAnUninterruptedOne() {
        StyleOptions options = Preset.QUALITY.options().withMaxSize(128);
        List<CoarseToFine.Scale> schedule = CoarseToFine.schedule(128, 2, List.of(3));
        try (NDManager manager = NDManager.newBaseManager()) {
            var vgg = TestWeights.vgg(Pooling.MAX);
            List<byte[]> snapshots = new ArrayList<>();
            int[] uninterrupted;
            try (CoarseToFine run = CoarseToFine.start(vgg, ORIGINALS, 1.0, options, schedule, manager, CoarseToFine.Listener.NONE)) {
                while (!run.isFinished()) {
                    run.step();
                    snapshots.add(run.snapshot());
                }
                uninterrupted = StyleTransferTest.pixels(run.image());
            }
            // Mid-coarse, the coarse scale's end (the hand-over) and mid-fine.
            for (int at : new int[] {2, 3, 5}) {
                try (CoarseToFine resumed = CoarseToFine.resume(vgg, ORIGINALS, 1.0, options, schedule, manager,
                        CoarseToFine.Listener.NONE, snapshots.get(at - 1))) {
                    assertEquals(at, resumed.stepsDone());
                    assertEquals(at <= 3 ? 0 : 1, resumed.scaleIndex());
                    if (at == 3) {
                        // 3 steps of 64x64 pixels done, 3 of 128x128 to go: a fifth of the work.
                        assertEquals(0.2, resumed.workDone(), 1e-12);
                    }
                    while (!resumed.isFinished()) {
                        resumed.step();
                    }
                    assertArrayEquals(uninterrupted, StyleTransferTest.pixels(resumed.image()), "resumed at step " + at);
                }
            }
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> CoarseToFine.resume(vgg, ORIGINALS,
                    1.0, options, schedule.subList(0, 1), manager, CoarseToFine.Listener.NONE, snapshots.get(4)));
            assertEquals("the checkpoint belongs to scale 2 but the schedule has 1", e.getMessage());
        }
    }

    @Test
    void aSizeThatDoesNotFitEvenInTilesIsRefusedNamingTheLargestThatDoes() {
        MemoryBudget fourGiB = new MemoryBudget(4L << 30, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MemoryEstimate.plan(8192, 6144, StyleOptions.OptimizerKind.LBFGS, 20, fourGiB));
        Matcher m = Pattern.compile("a 8192x6144 result needs about [0-9.]+ GiB even in tiles of 128 px, but only "
                + "4.0 GiB is usable; the largest that fits is about (\\d+) px on its longest side").matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        int largest = Integer.parseInt(m.group(1));
        int other = (int) Math.round(largest * 0.75);
        assertDoesNotThrow(() -> MemoryEstimate.plan(largest, other, StyleOptions.OptimizerKind.LBFGS, 20, fourGiB));
        assertThrows(InvalidInputException.class, () -> MemoryEstimate.plan(largest + 1, (int) Math.round((largest + 1) * 0.75),
                StyleOptions.OptimizerKind.LBFGS, 20, fourGiB));
    }

    @Test
    void stepsRunUntiledWhereTheyFitInTilesWhereNotAndTheHistoryGivesWayLast() {
        MemoryBudget twentyGiB = new MemoryBudget(20L << 30, 0);
        MemoryPlan small = MemoryEstimate.plan(1024, 768, StyleOptions.OptimizerKind.LBFGS, 20, twentyGiB);
        assertFalse(small.tiled());
        assertEquals(20, small.lbfgsHistory(), "one pair per step");
        MemoryPlan print = MemoryEstimate.plan(7680, 4320, StyleOptions.OptimizerKind.LBFGS, 20, twentyGiB);
        assertTrue(print.tiled(), print.summary());
        assertTrue(print.lbfgsHistory() >= 5 && print.bytes() <= twentyGiB.bytes(), print.summary());
        MemoryPlan adam = MemoryEstimate.plan(7680, 4320, StyleOptions.OptimizerKind.ADAM, 20, twentyGiB);
        assertTrue(adam.tileSize() >= print.tileSize(), "without history the tiles can only be larger");
        MemoryPlan forced = MemoryEstimate.plan(1024, 768, StyleOptions.OptimizerKind.LBFGS, 20, twentyGiB.withTileSize(256));
        assertEquals(256, forced.tileSize());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> twentyGiB.withTileSize(100));
        assertEquals("tile size must be a multiple of 16 from 128 up, got 100", e.getMessage());
    }
}
