package dev.stylize.jobs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.jobs.testing.FuzzChecks;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one manifest reader under any bytes: a manifest, or a refusal in the product's words,
 * within memory in proportion to the manifest (at most 64 KiB are ever read).
 */
class ManifestFuzzTest {
    /** Jackson's tree of a small document: a few hundred bytes per input byte at the very most, plus its buffers. */
    private static final long BYTES_PER_INPUT_BYTE = 400;
    private static final long FIXED = 4L << 20;

    @FuzzTest(maxDuration = "30s")
    void parsesOrSaysWhy(byte[] json) {
        InvalidInputException[] refusal = new InvalidInputException[1];
        FuzzChecks.requireAllocationAtMost(BYTES_PER_INPUT_BYTE * json.length + FIXED, () -> {
            try {
                Manifest manifest = Manifest.parse(json, "bucket", Limits.SERVICE);
                FuzzChecks.require(manifest.content().startsWith(JobLayout.UPLOADS), "content under uploads/");
                FuzzChecks.require(!manifest.styles().isEmpty() && manifest.styles().size() <= Manifest.MAX_STYLES,
                        "one to four styles");
            } catch (InvalidInputException refused) {
                refusal[0] = refused;
            }
        }, "reading a manifest of " + json.length + " bytes");
        if (refusal[0] != null) {
            FuzzChecks.requireProductWords(refusal[0], written(json));
        }
    }

    /**
     * What the sender wrote, as a refusal may quote it: the raw text and every field name and
     * string value decoded ("s\u002eV" is the bucket name 's.V').
     */
    private static String written(byte[] json) {
        StringBuilder text = new StringBuilder(new String(json, StandardCharsets.UTF_8));
        try {
            collect(new ObjectMapper().readTree(json), text);
        } catch (IOException | RuntimeException notJson) {
            // the raw text is all there is
        }
        return text.toString();
    }

    private static void collect(JsonNode node, StringBuilder text) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            text.append('\n').append(node.textValue());
        }
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            text.append('\n').append(field.getKey());
            collect(field.getValue(), text);
        }
        if (node.isArray()) {
            node.forEach(element -> collect(element, text));
        }
    }
}
