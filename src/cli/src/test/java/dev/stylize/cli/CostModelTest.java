package dev.stylize.cli;

import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostModelTest {
    /** $3.60 an hour is a tenth of a cent a second; a 512 px step takes 1 s. */
    private final CostModel model = CostModel.measured(3.6, 1.0, 512);

    @Test
    void aQualityImageIsItsScheduleStepsEachCostingItsPixels() {
        CostModel.Image image = model.image(Preset.QUALITY, 512);
        assertEquals(65, image.steps(), "25 at 128 px, 20 at 256, 20 at 512");
        assertEquals(25 / 16.0 + 20 / 4.0 + 20, image.seconds(), 1e-9);
        assertEquals(image.seconds() / 1000, image.instance(), 1e-12);
        assertEquals(image.instance() + image.serverless(), image.total(), 1e-15);
    }

    @Test
    void aPrintSizeImageHasMoreScalesAndItsLargestDominates() {
        CostModel.Image image = model.image(Preset.QUALITY, 2048);
        assertEquals(105, image.steps(), "25 at 128 px, then 20 at each of 256, 512, 1024, 2048");
        double expected = 25 / 16.0 + 20 * (0.25 + 1 + 4 + 16);
        assertEquals(expected, image.seconds(), 1e-9);
        assertTrue(20 * 16 / image.seconds() > 0.75, "the 2048 px steps are most of the time");
    }

    @Test
    void theServerlessPartIsTheJobsRequestsWithStatusWritesGrowingWithTheRun() {
        // 26.5625 s and 2 checkpoints: 9 + 13.28 status + 0.44 heartbeat + 4 checkpoint PUTs, 12 GETs,
        // 3.44 SQS requests, 2 GB-s and 2 invocations of Lambda, 1 SNS publish.
        double puts = 9 + 26.5625 / 2 + 26.5625 / 60 + 4;
        double expected = puts * 0.005 / 1000 + 12 * 0.0004 / 1000 + (3 + 26.5625 / 60) * 0.4e-6
                + 2.0 * 0.0000166667 + 2 * 0.2e-6 + 0.5e-6;
        assertEquals(expected, CostModel.serverless(26.5625, 2), 1e-12);
        assertEquals(1.740e-4, model.image(Preset.QUALITY, 512).serverless(), 0.001e-4);
        assertTrue(CostModel.serverless(600, 4) > 2 * CostModel.serverless(26.5625, 2), "status writes follow the run");
    }

    @Test
    void aFixedPartPerStepWeighsOnSmallScales() {
        CostModel withOverhead = new CostModel(3.6, 0.005, 1.0 / (512 * 512));
        double difference = withOverhead.image(Preset.QUALITY, 512).seconds() - model.image(Preset.QUALITY, 512).seconds();
        assertEquals(65 * 0.005, difference, 1e-9);
    }

    @Test
    void measuredThroughputSharesTheInstanceHourAmongTheImagesItPainted() {
        CostModel.Image image = CostModel.measuredThroughput(3.6, Preset.QUALITY, 512, 12_000, 1.8);
        assertEquals(65, image.steps());
        assertEquals(0.3, image.seconds(), 1e-12, "12,000 an hour: 0.3 s of the instance each");
        assertEquals(0.0003, image.instance(), 1e-12, "$3.60 an hour over 12,000 images");
        assertEquals(CostModel.serverless(1.8, 2), image.serverless(), 1e-15, "its own run: two scale results as checkpoints");
    }
}
