package dev.stylize.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.stylize.plan.PlanOptions.CONTENT_WEIGHT;
import static dev.stylize.plan.PlanOptions.LEARNING_RATE;
import static dev.stylize.plan.PlanOptions.MAX_SIZE;
import static dev.stylize.plan.PlanOptions.OPTIMIZER;
import static dev.stylize.plan.PlanOptions.STEPS;
import static dev.stylize.plan.PlanOptions.STYLE_LAYERS;
import static dev.stylize.plan.PlanOptions.STYLE_SCALE;
import static dev.stylize.plan.PlanOptions.STYLE_WEIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanOptionsTest {

    @Test
    void optionsOutOfBoundsAreRefusedWithTheirNameAndTheCallersLimits() {
        assertMessage("steps must be from 1 to 20000, got 1000000000", PlanOptions.of(STEPS, 1_000_000_000), Limits.ENGINE);
        assertMessage("steps must be from 1 to 5000, got 6000", PlanOptions.of(STEPS, 6000), Limits.SERVICE);
        assertMessage("maxSize must be from 16 to 8192 pixels, got 1000000", PlanOptions.of(MAX_SIZE, 1_000_000), Limits.ENGINE);
        assertMessage("styleWeight must be a number from 0 to 1e12, got NaN", PlanOptions.of(STYLE_WEIGHT, Double.NaN), Limits.ENGINE);
        assertMessage("contentWeight must be a number from 0 to 1e12, got -1.0", PlanOptions.of(CONTENT_WEIGHT, -1.0), Limits.ENGINE);
        assertMessage("learningRate must be above 0", PlanOptions.of(LEARNING_RATE, 0.0), Limits.ENGINE);
        assertMessage("styleScale must be from 0.1 to 4, got 10.0", PlanOptions.of(STYLE_SCALE, 10.0), Limits.ENGINE);
        assertMessage("styleLayers: the weight of conv1_1 must be a number from 0 to 1e12, got -2.0",
                PlanOptions.of(STYLE_LAYERS, Map.of(VggLayer.CONV1_1, -2.0)), Limits.ENGINE);
    }

    @Test
    void boundsAreQuotedAsPeopleWriteThem() {
        assertEquals("1e12", Limits.text(1e12));
        assertEquals("1e6", Limits.text(Limits.MAX_BLEND_WEIGHT));
        assertEquals("1000", Limits.text(Limits.MAX_LEARNING_RATE));
        assertEquals("0.1", Limits.text(Limits.MIN_STYLE_SCALE));
        assertEquals("4", Limits.text(Limits.MAX_STYLE_SCALE));
        assertEquals("25000", Limits.text(25_000));
        assertEquals("20000", Limits.text(20_000));
    }

    @Test
    void jsonIsReadByNameStrictlyAndWrittenBack() throws Exception {
        ObjectMapper json = new ObjectMapper();
        PlanOptions options = json.readValue("""
                {"steps": 300, "maxSize": 768.0, "optimizer": "ADAM", "styleLayers": {"conv1_1": 1, "conv5_1": 0.5},
                 "keepColors": true, "scaleSteps": [50, 20]}""", PlanOptions.class);
        assertEquals(300, options.get(STEPS).orElseThrow());
        assertEquals(768, options.get(MAX_SIZE).orElseThrow());
        assertEquals(OptimizerKind.ADAM, options.get(OPTIMIZER).orElseThrow());
        assertEquals(List.of(50, 20), options.get(PlanOptions.SCALE_STEPS).orElseThrow());
        assertEquals("{\"steps\":300,\"maxSize\":768,\"styleLayers\":{\"conv1_1\":1.0,\"conv5_1\":0.5},\"optimizer\":\"adam\","
                + "\"keepColors\":true,\"scaleSteps\":[50,20]}", json.writeValueAsString(options));
        assertEquals(options, json.readValue(json.writeValueAsString(options), PlanOptions.class), "round trip");
    }

    @Test
    void unknownNamesAndWrongTypesAreRefusedInTheProductsWords() {
        assertEquals("unknown option 'stepz' (options are steps, maxSize, contentWeight, styleWeight, tvWeight, "
                + "styleLayers, optimizer, learningRate, init, seed, pooling, checkpointEvery, styleScale, keepColors, "
                + "scales, scaleSteps, format)", fails(Map.of("stepz", 5)));
        assertEquals("format must be one of jpeg, png, png16, tiff16, got 'gif'", fails(Map.of("format", "gif")));
        assertEquals("steps must be a whole number, got 2.5", fails(Map.of("steps", 2.5)));
        assertEquals("steps must be a number, got 'many'", fails(Map.of("steps", "many")));
        assertEquals("optimizer must be one of adam, lbfgs, got 'sgd'", fails(Map.of("optimizer", "sgd")));
        assertEquals("keepColors must be true or false, got 1", fails(Map.of("keepColors", 1)));
        assertEquals("styleLayers: unknown VGG19 layer 'conv9_9' (conv1_1 … conv5_1)", fails(Map.of("styleLayers", Map.of("conv9_9", 1))));
    }

    @Test
    void theCallersOptionsWinOverDefaults() {
        PlanOptions merged = PlanOptions.of(STEPS, 12).orElse(PlanOptions.of(STEPS, 8).with(MAX_SIZE, 64));
        assertEquals(12, merged.get(STEPS).orElseThrow());
        assertEquals(64, merged.get(MAX_SIZE).orElseThrow());
    }

    @Test
    void switchingOptimiserTakesItsUsualLearningRate() {
        StylePlan plan = Preset.SEED.plan(400, 300, PlanOptions.of(OPTIMIZER, OptimizerKind.LBFGS));
        assertEquals(1.0, plan.learningRate());
        assertEquals(0.003, Preset.SEED.plan(400, 300, PlanOptions.NONE).learningRate());
    }

    @Test
    void unknownPresetsAreRefusedNamingTheKnownOnes() {
        assertEquals("preset must be one of paper, quality, seed, got 'fast'",
                assertThrows(InvalidInputException.class, () -> Preset.named("fast")).getMessage());
        assertEquals(Preset.QUALITY, Preset.named("Quality"));
    }

    private static String fails(Map<String, Object> json) {
        return assertThrows(InvalidInputException.class, () -> PlanOptions.fromJson(json)).getMessage();
    }

    private static void assertMessage(String expected, PlanOptions options, Limits limits) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> options.validate(limits));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
