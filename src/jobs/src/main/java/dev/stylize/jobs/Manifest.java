package dev.stylize.jobs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job manifest dropped at {@code jobs/<name>.json}, read and checked in this one place:
 * <pre>{@code
 * {"content": "uploads/photo.jpg",
 *  "styles": [{"name": "hockney", "weight": 0.7}, {"key": "styles/monet.png", "weight": 0.3}],
 *  "preset": "quality",
 *  "options": {"steps": 300, "maxSize": 768}}
 * }</pre>
 * Strict: unknown fields and options, repeated keys and values of the wrong type are refused by
 * name, in the product's words. Whether the objects it names exist is the intake's business.
 *
 * @param preset  null when the manifest names none (the service's default applies)
 * @param options checked against the deployment's {@link Limits}
 */
public record Manifest(String content, List<Style> styles, Preset preset, PlanOptions options) {
    /** How a manifest that is not valid JSON of its shape is refused; the parser's reason follows. */
    public static final String NOT_VALID = "manifest is not valid: ";
    public static final int MAX_BYTES = 64 * 1024;
    public static final int MAX_STYLES = 4;
    private static final Set<String> FIELDS = Set.of("bucket", "content", "styles", "preset", "options");
    private static final Set<String> REQUEST_FIELDS = Set.of("style", "styles", "preset", "options");
    private static final Set<String> STYLE_FIELDS = Set.of("name", "key", "weight");
    private static final ObjectMapper JSON = JsonMapper.builder(new com.fasterxml.jackson.core.JsonFactoryBuilder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(4096).build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A style by library name ({@code styles/<name>.<ext>}) or by key under {@code styles/}, and its blend weight. */
    public record Style(String name, String key, double weight) {
    }

    /**
     * @param bucket the bucket the manifest was dropped in: the only one it may name
     * @param limits what one job may ask of this deployment ({@link Limits#service})
     * @throws InvalidInputException saying what is wrong, for the person who wrote it
     */
    public static Manifest parse(byte[] json, String bucket, Limits limits) {
        JsonNode root = root(json, "a manifest is a JSON object, {\"content\": …, \"styles\": […]}, not ");
        requireKnown(root, FIELDS, "manifest field");
        String named = text(root, "bucket");
        if (named != null && !named.equals(bucket)) {
            throw new InvalidInputException("manifests may only name objects in this bucket (" + bucket + "), not '" + named + "'");
        }
        String content = text(root, "content");
        if (content == null || content.isBlank()) {
            throw new InvalidInputException("manifest needs \"content\": the key of a photo under uploads/");
        }
        JobLayout.requireSafeKey(content);
        if (!content.startsWith(JobLayout.UPLOADS)) {
            throw new InvalidInputException("\"content\" must be a key under uploads/, got '" + content + "'");
        }
        String preset = text(root, "preset");
        return new Manifest(content, styles(root.get("styles")), preset == null ? null : Preset.named(preset),
                options(root.get("options"), limits));
    }

    /**
     * A job asked for through the API: a manifest without {@code content} (the photo is uploaded
     * afterwards) or {@code bucket}, where {@code "style": "<name>"} may stand for one style by name.
     *
     * @return a manifest whose {@code content} is null
     * @throws InvalidInputException saying what is wrong, for the person who wrote it
     */
    public static Manifest request(byte[] json, Limits limits) {
        JsonNode root = root(json, "a request is a JSON object, {\"style\": \"<name>\"} or {\"styles\": […]}, not ");
        requireKnown(root, REQUEST_FIELDS, "request field");
        String style = text(root, "style");
        if (style != null && root.has("styles")) {
            throw new InvalidInputException("a request names \"style\" or \"styles\", not both");
        }
        List<Style> styles;
        if (style != null) {
            JobLayout.requireStyleName(style);
            styles = List.of(new Style(style, null, 1.0));
        } else if (root.has("styles")) {
            styles = styles(root.get("styles"));
        } else {
            throw new InvalidInputException("a request needs \"style\": \"<name>\" or \"styles\": [{\"name\": …, \"weight\": …}]");
        }
        String preset = text(root, "preset");
        return new Manifest(null, styles, preset == null ? null : Preset.named(preset), options(root.get("options"), limits));
    }

    private static JsonNode root(byte[] json, String notAnObject) {
        if (json.length > MAX_BYTES) {
            throw new InvalidInputException("manifest is " + json.length + " bytes; the limit is " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(NOT_VALID + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("manifest cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(notAnObject + describe(root));
        }
        return root;
    }

    private static List<Style> styles(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new InvalidInputException("manifest needs \"styles\": at least one {\"name\": …} or {\"key\": \"styles/…\"}");
        }
        if (node.size() > MAX_STYLES) {
            throw new InvalidInputException("a job blends at most " + MAX_STYLES + " styles, got " + node.size());
        }
        List<Style> styles = new ArrayList<>();
        for (JsonNode style : node) {
            if (!style.isObject()) {
                throw new InvalidInputException("each style is an object, {\"name\": …} or {\"key\": \"styles/…\"}, not "
                        + describe(style));
            }
            requireKnown(style, STYLE_FIELDS, "style field");
            JsonNode w = style.get("weight");
            if (w != null && !w.isNumber()) {
                throw new InvalidInputException("style weights are numbers, got " + w);
            }
            double weight = w == null ? 1.0 : w.asDouble();
            if (!Double.isFinite(weight) || weight <= 0 || weight > Limits.MAX_BLEND_WEIGHT) {
                throw new InvalidInputException("style weights must be above 0 and at most " + Limits.text(Limits.MAX_BLEND_WEIGHT) + ", got " + weight);
            }
            String key = text(style, "key");
            String name = text(style, "name");
            if (key != null) {
                JobLayout.requireSafeKey(key);
                if (!key.startsWith(JobLayout.STYLES)) {
                    throw new InvalidInputException("style keys must be under styles/, got '" + key + "'");
                }
            } else if (name != null) {
                JobLayout.requireStyleName(name);
            } else {
                throw new InvalidInputException("each style needs a \"name\" or a \"key\"");
            }
            styles.add(new Style(name, key, weight));
        }
        return styles;
    }

    private static PlanOptions options(JsonNode node, Limits limits) {
        if (node == null || node.isNull()) {
            return PlanOptions.NONE;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("\"options\" is an object, e.g. {\"steps\": 300}, not " + describe(node));
        }
        @SuppressWarnings("unchecked") Map<String, Object> values = JSON.convertValue(node, Map.class);
        return PlanOptions.fromJson(values).validate(limits);
    }

    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInputException("\"" + field + "\" is a string, not " + describe(value));
        }
        return value.asText();
    }

    private static void requireKnown(JsonNode object, Set<String> known, String what) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidInputException("unknown " + what + " '" + name + "' (" + what + "s are "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A JSON value's kind, as a person would say it. */
    private static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            default -> "an object";
        };
    }
}
