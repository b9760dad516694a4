package dev.stylize.jobs.telemetry;

import dev.stylize.jobs.Json;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes CloudWatch Embedded Metric Format (EMF) documents, one JSON object per line.
 *
 * <p>CloudWatch Logs extracts metrics only from a log event that is an EMF object from its
 * first byte to its last. A line of the JSON log formatter would carry the document as a string
 * in its {@code message}, so these lines go to standard output directly, beside the log
 * records, where Lambda and the ECS {@code awslogs} driver pick them up line by line.
 */
public final class EmfWriter {
    /** The CloudWatch units this service uses. */
    public enum Unit {
        COUNT("Count"), SECONDS("Seconds");

        final String name;

        Unit(String name) {
            this.name = name;
        }
    }

    private final String namespace;
    private final Clock clock;
    private final Consumer<String> sink;

    /**
     * @param sink receives each document as one line without its line break
     */
    public EmfWriter(String namespace, Clock clock, Consumer<String> sink) {
        if (namespace == null || namespace.isBlank() || namespace.length() > 255) {
            throw new IllegalArgumentException("a metric namespace has 1 to 255 characters: '" + namespace + "'");
        }
        this.namespace = namespace;
        this.clock = clock;
        this.sink = sink;
    }

    /** Documents to standard output, whole lines, not interleaved with the log records written there. */
    public static EmfWriter toStandardOutput(String namespace) {
        return new EmfWriter(namespace, Clock.systemUTC(), line -> {
            PrintStream out = System.out; // looked up each time: Lambda's runtime replaces it at start
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
    }

    public String namespace() {
        return namespace;
    }

    public Document document() {
        return new Document();
    }

    /** One log event: its dimensions, metric values and other members (not metrics, so free of charge). */
    public final class Document {
        private final Map<String, String> dimensions = new LinkedHashMap<>();
        private final Map<String, Double> values = new LinkedHashMap<>();
        private final Map<String, Unit> units = new LinkedHashMap<>();
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Document() {
        }

        /** Every dimension creates a separate metric (and a charge): low-cardinality values only. */
        public Document dimension(String name, String value) {
            checkName(name);
            dimensions.put(name, Objects.requireNonNull(value, name));
            return this;
        }

        public Document metric(String name, double value, Unit unit) {
            checkName(name);
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("metric " + name + " is not a finite number: " + value);
            }
            values.put(name, value);
            units.put(name, unit);
            return this;
        }

        /** A plain member (a job id, say): searchable in the logs, no metric. Null values are left out. */
        public Document property(String name, Object value) {
            checkName(name);
            if (value != null) {
                properties.put(name, value);
            }
            return this;
        }

        public void emit() {
            if (values.isEmpty()) {
                throw new IllegalStateException("an EMF document needs at least one metric");
            }
            List<Map<String, String>> definitions = new ArrayList<>();
            units.forEach((name, unit) -> definitions.add(Map.of("Name", name, "Unit", unit.name)));
            Map<String, Object> directive = new LinkedHashMap<>();
            directive.put("Namespace", namespace);
            directive.put("Dimensions", List.of(List.copyOf(dimensions.keySet())));
            directive.put("Metrics", definitions);
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
            root.putAll(properties);
            root.putAll(dimensions);
            root.putAll(values);
            sink.accept(Json.compact(root));
        }

        private void checkName(String name) {
            if (name == null || name.isEmpty() || name.length() > 255 || name.equals("_aws")) {
                throw new IllegalArgumentException("not a usable member name: '" + name + "'");
            }
            if (dimensions.containsKey(name) || values.containsKey(name) || properties.containsKey(name)) {
                throw new IllegalArgumentException(name + " is already in this document");
            }
        }
    }
}
