package dev.stylize.jobs;

import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {

    private static Manifest parse(String json) {
        return Manifest.parse(json.getBytes(StandardCharsets.UTF_8), "bucket", Limits.SERVICE);
    }

    private static String refused(String json) {
        return assertThrows(InvalidInputException.class, () -> parse(json)).getMessage();
    }

    @Test
    void aManifestNamesItsPhotoStylesPresetAndOptions() {
        Manifest m = parse("""
                {"bucket": "bucket", "content": "uploads/p.jpg", "styles": [{"name": "hockney", "weight": 0.7},
                 {"key": "styles/monet.png"}], "preset": "Paper", "options": {"steps": 300, "keepColors": true}}""");
        assertEquals("uploads/p.jpg", m.content());
        assertEquals(List.of(new Manifest.Style("hockney", null, 0.7), new Manifest.Style(null, "styles/monet.png", 1.0)), m.styles());
        assertEquals(Preset.PAPER, m.preset());
        assertEquals(300, m.options().get(PlanOptions.STEPS).orElseThrow());
        assertNull(parse("{\"content\": \"uploads/p.jpg\", \"styles\": [{\"name\": \"a\"}]}").preset());
    }

    @Test
    void unknownFieldsOptionsAndRepeatedKeysAreRefusedByName() {
        assertEquals("unknown manifest field 'style' (manifest fields are bucket, content, options, preset, styles)",
                refused("{\"content\": \"uploads/p.jpg\", \"style\": [{\"name\": \"a\"}]}"));
        assertEquals("unknown style field 'wieght' (style fields are key, name, weight)",
                refused("{\"content\": \"uploads/p.jpg\", \"styles\": [{\"name\": \"a\", \"wieght\": 2}]}"));
        assertEquals("unknown option 'stepz' (options are steps, maxSize, contentWeight, styleWeight, tvWeight, styleLayers, "
                        + "optimizer, learningRate, init, seed, pooling, checkpointEvery, styleScale, keepColors, scales, scaleSteps, format)",
                refused("{\"content\": \"uploads/p.jpg\", \"styles\": [{\"name\": \"a\"}], \"options\": {\"stepz\": 5}}"));
        assertEquals(Manifest.NOT_VALID + "Duplicate field 'steps'",
                refused("{\"content\": \"uploads/p.jpg\", \"styles\": [{\"name\": \"a\"}], \"options\": {\"steps\": 5, \"steps\": 6}}"));
    }

    @Test
    void theWrongShapesAreRefusedInTheProductsWordsNeverJavas() {
        assertEquals("a manifest is a JSON object, {\"content\": …, \"styles\": […]}, not an array", refused("[1, 2]"));
        assertEquals("a manifest is a JSON object, {\"content\": …, \"styles\": […]}, not a string", refused("\"photo\""));
        assertEquals("\"content\" is a string, not a number", refused("{\"content\": 5, \"styles\": []}"));
        assertEquals("each style is an object, {\"name\": …} or {\"key\": \"styles/…\"}, not a string",
                refused("{\"content\": \"uploads/p.jpg\", \"styles\": [\"hockney\"]}"));
        assertEquals("\"options\" is an object, e.g. {\"steps\": 300}, not an array",
                refused("{\"content\": \"uploads/p.jpg\", \"styles\": [{\"name\": \"a\"}], \"options\": [300]}"));
        assertEquals("preset must be one of paper, quality, seed, got 'fast'",
                refused("{\"content\": \"uploads/p.jpg\", \"styles\": [{\"name\": \"a\"}], \"preset\": \"fast\"}"));
    }

    @Test
    void deepNestingAndOversizedManifestsAreRefusedBeforeTheyCostAnything() {
        String deep = "{\"content\": \"uploads/p.jpg\", \"styles\": [{\"name\": \"a\"}], \"options\": {\"styleLayers\": "
                + "[".repeat(50) + "]".repeat(50) + "}}";
        assertEquals(true, refused(deep).startsWith(Manifest.NOT_VALID + "Document nesting depth"), refused(deep));
        assertEquals("manifest is 70000 bytes; the limit is 65536", refused(" ".repeat(70_000)));
    }

    @Test
    void aRequestIsAManifestWithoutItsPhotoWhereStyleNamesOneStyle() {
        Manifest one = Manifest.request("{\"style\": \"swirls\", \"preset\": \"seed\", \"options\": {\"steps\": 9}}"
                .getBytes(StandardCharsets.UTF_8), Limits.SERVICE);
        assertNull(one.content());
        assertEquals(List.of(new Manifest.Style("swirls", null, 1.0)), one.styles());
        assertEquals(9, one.options().get(PlanOptions.STEPS).orElseThrow());
        Manifest blend = Manifest.request("{\"styles\": [{\"name\": \"a\", \"weight\": 2}, {\"key\": \"styles/b.png\"}]}"
                .getBytes(StandardCharsets.UTF_8), Limits.SERVICE);
        assertEquals(2, blend.styles().size());
        for (String[] bad : new String[][]{
                {"{}", "a request needs \"style\""},
                {"{\"style\": \"a\", \"styles\": [{\"name\": \"b\"}]}", "\"style\" or \"styles\", not both"},
                {"{\"style\": \"a\", \"content\": \"uploads/p.jpg\"}", "unknown request field 'content'"},
                {"{\"style\": \"../a\"}", "is not a style name"}}) {
            String reason = assertThrows(InvalidInputException.class,
                    () -> Manifest.request(bad[0].getBytes(StandardCharsets.UTF_8), Limits.SERVICE)).getMessage();
            assertTrue(reason.contains(bad[1]), bad[0] + " -> " + reason);
        }
    }
}
