package dev.stylize.jobs.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a log line against CloudWatch's "Specification: Embedded metric format" (its document
 * structure and the JSON schema it publishes), independently of the writer: the line is the
 * whole event and a JSON object; {@code _aws} holds an integer {@code Timestamp} and
 * {@code CloudWatchMetrics}; each MetricDirective has exactly Namespace (1–255 characters),
 * Dimensions (at least one DimensionSet of at most 9 keys, each a root member with a string
 * value) and Metrics (at most 100 definitions, each naming a root member that is a number or an
 * array of at most 100 numbers, with a CloudWatch unit if any); no other members in those objects.
 */
public final class EmfDocuments {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
            "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
            "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");

    private EmfDocuments() {
    }

    /** Whether the line means to be an EMF document (a JSON object with an {@code _aws} member). */
    public static boolean isEmf(String line) {
        try {
            JsonNode root = STRICT.readTree(line);
            return root != null && root.isObject() && root.has("_aws");
        } catch (Exception e) {
            return false;
        }
    }

    /** What is wrong with the line as an EMF document; empty when nothing is. */
    public static List<String> problems(String line) {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = STRICT.readTree(line);
        } catch (Exception e) {
            return List.of("not one JSON value from first byte to last: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return List.of("not a JSON object");
        }
        JsonNode aws = root.get("_aws");
        if (aws == null || !aws.isObject()) {
            return List.of("no _aws object");
        }
        only(aws, Set.of("Timestamp", "CloudWatchMetrics"), "_aws", problems);
        if (!aws.path("Timestamp").isIntegralNumber()) {
            problems.add("_aws.Timestamp is not an integer (milliseconds since the epoch)");
        }
        JsonNode directives = aws.get("CloudWatchMetrics");
        if (directives == null || !directives.isArray() || directives.isEmpty()) {
            problems.add("_aws.CloudWatchMetrics is not a non-empty array");
            return problems;
        }
        for (JsonNode directive : directives) {
            only(directive, Set.of("Namespace", "Dimensions", "Metrics"), "MetricDirective", problems);
            String namespace = directive.path("Namespace").asText("");
            if (!directive.path("Namespace").isTextual() || namespace.isEmpty() || namespace.length() > 255) {
                problems.add("Namespace is not a string of 1 to 255 characters");
            }
            JsonNode dimensions = directive.get("Dimensions");
            if (dimensions == null || !dimensions.isArray() || dimensions.isEmpty()) {
                problems.add("Dimensions is not an array of at least one DimensionSet");
            } else {
                for (JsonNode set : dimensions) {
                    if (!set.isArray() || set.size() > 9) {
                        problems.add("a DimensionSet is not an array of at most 9 keys: " + set);
                        continue;
                    }
                    for (JsonNode key : set) {
                        JsonNode target = root.get(key.asText());
                        if (!key.isTextual() || target == null || !target.isTextual() || target.asText().length() > 1024) {
                            problems.add("dimension " + key + " has no string member on the root");
                        }
                    }
                }
            }
            JsonNode metrics = directive.get("Metrics");
            if (metrics == null || !metrics.isArray() || metrics.isEmpty() || metrics.size() > 100) {
                problems.add("Metrics is not an array of 1 to 100 definitions");
                continue;
            }
            Set<String> names = new HashSet<>();
            for (JsonNode definition : metrics) {
                only(definition, Set.of("Name", "Unit"), "MetricDefinition", problems);
                String name = definition.path("Name").asText("");
                if (!definition.path("Name").isTextual() || name.isEmpty() || name.length() > 255 || !names.add(name)) {
                    problems.add("a metric Name is missing, too long or repeated: " + definition);
                }
                if (definition.has("Unit") && !UNITS.contains(definition.get("Unit").asText())) {
                    problems.add("metric " + name + " has an invalid Unit " + definition.get("Unit"));
                }
                JsonNode target = root.get(name);
                boolean numeric = target != null && (target.isNumber()
                        || target.isArray() && target.size() <= 100 && allNumbers(target));
                if (!numeric) {
                    problems.add("metric " + name + " has no numeric member on the root");
                }
            }
        }
        return problems;
    }

    private static boolean allNumbers(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static void only(JsonNode object, Set<String> allowed, String what, List<String> problems) {
        if (!object.isObject()) {
            problems.add(what + " is not an object");
            return;
        }
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (!allowed.contains(member.getKey())) {
                problems.add(what + " has a member the specification does not define: " + member.getKey());
            }
        }
    }
}
