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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one manifest reader under any bytes: a manifest, or a refusal in the product's words,
 * within memory in proportion to the manifest (at most 64 KiB are ever read).
 */
class ManifestFuzzTest {
    /** Jackson's tree of a small document: a few hundred bytes per input byte at the very most, plus its buffers. */
    static final long BYTES_PER_INPUT_BYTE = 400;
    static final long FIXED = 4L << 20;
    private static final Pattern ESCAPE = Pattern.compile("\\\\(u[0-9a-fA-F]{4}|[\"\\\\/bfnrt])");

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
     * What the sender wrote, as a refusal may quote it: the raw text, the raw text with its JSON
     * escapes resolved ("s\u002eV" is the bucket name 's.V', even where the rest is not valid
     * UTF-8), and every field name and string value as a JSON parser reads them.
     */
    static String written(byte[] json) {
        String raw = new String(json, StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder(raw).append('\n').append(unescaped(raw));
        try {
            collect(new ObjectMapper().readTree(json), text);
        } catch (IOException | RuntimeException notJson) {
            // the raw text is all there is
        }
        return text.toString();
    }

    private static String unescaped(String raw) {
        Matcher escape = ESCAPE.matcher(raw);
        StringBuilder text = new StringBuilder();
        while (escape.find()) {
            String e = escape.group(1);
            String c = switch (e.charAt(0)) {
                case 'u' -> String.valueOf((char) Integer.parseInt(e.substring(1), 16));
                case 'b' -> "\b";
                case 'f' -> "\f";
                case 'n' -> "\n";
                case 'r' -> "\r";
                case 't' -> "\t";
                default -> e; // \" \\ \/
            };
            escape.appendReplacement(text, Matcher.quoteReplacement(c));
        }
        return escape.appendTail(text).toString();
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
