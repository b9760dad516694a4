package dev.stylize.plan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.stylize.plan.PlanOptions.MAX_SIZE;
import static dev.stylize.plan.PlanOptions.STEPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    private static List<Scale> schedule(Preset preset, int size) {
        return preset.plan(size, size, PlanOptions.of(MAX_SIZE, size)).schedule();
    }

    @Test
    void sizesHalveDownFromTheRequestedOne() {
        assertEquals(List.of(new Scale(512, 50), new Scale(1024, 20), new Scale(2048, 5)),
                Schedule.halving(2048, 3, List.of(50, 20, 5)));
        assertEquals(List.of(new Scale(64, 7), new Scale(128, 7)), Schedule.halving(128, 2, List.of(7)));
        assertEquals(List.of(new Scale(48, 6)), Schedule.halving(48, 1, List.of(6)), "a single scale is the size asked for");
        assertThrows(InvalidInputException.class, () -> Schedule.halving(512, 3, List.of(1, 2)));
    }

    @Test
    void theQualityPresetGoesCoarseToFineFromAbout128PixelsAndTheOthersDoNot() {
        assertEquals(List.of(new Scale(128, 25), new Scale(256, 20), new Scale(512, 20)), schedule(Preset.QUALITY, 512));
        assertEquals(List.of(new Scale(150, 25), new Scale(300, 20)), schedule(Preset.QUALITY, 300));
        assertEquals(List.of(new Scale(200, 25)), schedule(Preset.QUALITY, 200));
        assertEquals(5, schedule(Preset.QUALITY, 2048).size());
        assertEquals(List.of(new Scale(400, 2000)), schedule(Preset.SEED, 400));
        assertEquals(List.of(new Scale(512, 30)), Preset.QUALITY.plan(512, 512, PlanOptions.of(STEPS, 30)).schedule(),
                "own steps: the full size only");
    }

    @Test
    void stepsAreBoundedInAllAcrossScalesNotOnlyPerScale() {
        PlanOptions sixScales = PlanOptions.of(PlanOptions.SCALES, 6).validate(Limits.SERVICE);
        StylePlan seed = Preset.SEED.plan(4096, 4096, sixScales.with(MAX_SIZE, 2048));
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> seed.requireWithin(Limits.SERVICE));
        assertEquals("a job may take at most 5000 steps in all, across its scales; this one takes 12000 (2000 at 64 px, "
                + "2000 at 128 px, 2000 at 256 px, 2000 at 512 px, 2000 at 1024 px, 2000 at 2048 px)", refused.getMessage());
        assertEquals(seed, seed.requireWithin(Limits.ENGINE), "the command line's own limits allow it");
        StylePlan quality = Preset.QUALITY.plan(4096, 4096, PlanOptions.of(MAX_SIZE, 2048));
        assertEquals(quality, quality.requireWithin(Limits.SERVICE));
    }

    @Test
    void aJobsCostIsItsStepsTimesItsPixelsAndTheDefaultBudgetHoldsTwoLargestQualityJobs() {
        StylePlan quality = Preset.QUALITY.plan(2048, 2048, PlanOptions.of(MAX_SIZE, Limits.SERVICE_MAX_SIZE));
        double largest = JobBudget.cost(quality, 2048, 2048);
        assertEquals(25 * 128 * 128 / 1e6 + 20 * (256 * 256 + 512 * 512 + 1024 * 1024 + 2048 * 2048) / 1e6, largest, 1e-9);
        assertEquals(224, Math.ceil(2 * largest));
        assertEquals(JobBudget.cost(quality, 2048, 2048) * 0.75, JobBudget.cost(quality, 2048, 1536), 0.1,
                "the photo's own shape, not its longest side squared");
        assertEquals(quality, JobBudget.defaultFor(Limits.SERVICE_MAX_SIZE).require(quality, 2048, 2048));

        StylePlan seed = Preset.SEED.plan(4000, 3000, PlanOptions.of(MAX_SIZE, 1024));
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> JobBudget.defaultFor(Limits.SERVICE_MAX_SIZE).require(seed, 4000, 3000));
        assertEquals("the job would cost 1572.9 megapixel-steps (steps × width × height / 10^6, over its 1 scale), more than "
                + "this deployment allows one job (224); ask for fewer steps or a smaller maxSize", refused.getMessage());
    }

    @Test
    void aDeploymentsLargestJobSizeCarriesThePhotoLimitsAndTheBudgetWithIt() {
        assertEquals(Limits.SERVICE, Limits.service(Limits.SERVICE_MAX_SIZE));
        assertEquals(40_000_000L, Limits.SERVICE.maxPixels(), "up to 2048 px, the photo limits stay as they were");
        assertEquals(50L * 1024 * 1024, Limits.SERVICE.maxUploadBytes());
        assertEquals(new JobBudget(224), JobBudget.defaultFor(Limits.SERVICE_MAX_SIZE));

        Limits prints = Limits.service(8192);
        assertTrue(prints.maxPixels() >= 8192L * 5461, "an 8192 x 5461 photo passes the pixel rule");
        assertTrue(prints.maxUploadBytes() > 80L * 1024 * 1024, "and a bigger file than 50 MB: " + prints.maxUploadBytes());
        StylePlan print = Preset.QUALITY.plan(8192, 5461, PlanOptions.of(MAX_SIZE, 8192).validate(prints));
        assertEquals(print, JobBudget.defaultFor(8192).require(print, 8192, 5461), "a quality print fits its deployment's budget");
        assertThrows(InvalidInputException.class, () -> PlanOptions.of(MAX_SIZE, 8192).validate(Limits.SERVICE));
        assertThrows(IllegalArgumentException.class, () -> Limits.service(9000));
    }

    @Test
    void photosAreNeverEnlarged() {
        assertEquals(300, Preset.QUALITY.plan(300, 200, PlanOptions.of(MAX_SIZE, 2048)).size());
        assertEquals(512, Preset.QUALITY.plan(3000, 2000, PlanOptions.NONE).size(), "the preset's size");
    }

    @Test
    void aNarrowPhotoStopsThePyramidEarlyRatherThanStarveVgg() {
        // 1:10 at 512 px: 128 px would leave 13 px, 256 px leaves 26.
        assertEquals(List.of(new Scale(256, 25), new Scale(512, 20)), Preset.QUALITY.plan(5120, 512, PlanOptions.NONE).schedule());
    }

    @Test
    void photosVggCannotSeeAreRefusedWithTheirNumbers() {
        assertEquals("a 20000x8 photo is too narrow: at 256 px on its longest side its shortest side is 1 px, and VGG19 "
                        + "needs at least 16 (at 256 px a photo may be at most 16:1)",
                assertThrows(InvalidInputException.class,
                        () -> Preset.SEED.plan(20000, 8, PlanOptions.of(MAX_SIZE, 256))).getMessage());
        assertThrows(InvalidInputException.class, () -> Preset.SEED.plan(8, 20000, PlanOptions.of(MAX_SIZE, 256)));
        assertEquals("a 3x3 photo is too small: VGG19 needs at least 16 px on its shortest side",
                assertThrows(InvalidInputException.class, () -> Preset.QUALITY.plan(3, 3, PlanOptions.NONE)).getMessage());
        assertEquals("a 1x1 photo is too small: VGG19 needs at least 16 px on its shortest side",
                assertThrows(InvalidInputException.class, () -> Preset.QUALITY.plan(1, 1, PlanOptions.NONE)).getMessage());
    }
}
