package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.images.ImageDecoder;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed preset against numbers from an independent PyTorch implementation of the spec
 * (tools/reference/seed_reference.py) on the same generated weights and inputs.
 */
class SeedReferenceTest {

    @Test
    void firstStepsMatchPytorchReference() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(resource("reference/seed-losses.json"));
        assertEquals(expected.get("weightsSha256").asText(), WeightsSource.digest(TestWeights.file()),
                "generated weights must be byte-identical to those the reference ran on");

        BufferedImage content = decode("reference/content.png");
        BufferedImage style = decode("reference/style.png");
        StylePlan plan = TestPlans.plan(Preset.SEED, content, PlanOptions.of(PlanOptions.MAX_SIZE, 128)
                .with(PlanOptions.STEPS, expected.get("steps").size()));
        StyleInputs inputs = new StyleInputs(content, style).sizedFor(plan, plan.schedule().get(0));
        assertSame(content, inputs.content(), "an image already at the target size is not resampled");
        assertSame(style, inputs.style(), "a style already at the content's size is not resampled");

        List<StepReport> reports = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.MAX), inputs, plan, manager)) {
            while (!run.isFinished()) {
                reports.add(run.step());
            }
        }
        assertTrue(expected.get("steps").size() > 0, "the reference holds steps");
        assertEquals(expected.get("steps").size(), reports.size(), "every reference step was run");
        for (int i = 0; i < reports.size(); i++) {
            JsonNode step = expected.get("steps").get(i);
            StepReport actual = reports.get(i);
            assertClose(step.get("loss").asDouble(), actual.loss(), 2e-5, "total loss at step " + (i + 1));
            assertClose(step.get("styleLoss").asDouble(), actual.styleLoss(), 2e-5, "style loss at step " + (i + 1));
            assertEquals(step.get("contentLoss").asDouble(), actual.contentLoss(),
                    1e-9 + 0.02 * step.get("contentLoss").asDouble(), "content loss at step " + (i + 1));
        }
    }

    @Test
    void seedPresetLossFallsMonotonically() {
        BufferedImage content = decode("reference/content.png");
        BufferedImage style = decode("reference/style.png");
        StylePlan plan = TestPlans.plan(Preset.SEED, content, PlanOptions.of(PlanOptions.MAX_SIZE, 64).with(PlanOptions.STEPS, 50));
        try (NDManager manager = NDManager.newBaseManager();
             StyleTransfer run = TestPlans.start(TestWeights.vgg(Pooling.MAX), new StyleInputs(content, style), plan, manager)) {
            double previous = Double.POSITIVE_INFINITY;
            while (!run.isFinished()) {
                StepReport report = run.step();
                assertTrue(report.loss() < previous, "loss rose at step " + report.step());
                previous = report.loss();
            }
        }
    }

    static void assertClose(double expected, double actual, double relative, String what) {
        assertEquals(expected, actual, Math.abs(expected) * relative, what);
    }

    static BufferedImage decode(String resource) {
        try (InputStream in = resource(resource)) {
            return new ImageDecoder().decode(in.readAllBytes(), resource);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static InputStream resource(String name) {
        return SeedReferenceTest.class.getClassLoader().getResourceAsStream(name);
    }
}
