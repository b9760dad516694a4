package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.telemetry.JobMetrics;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The metric lines (CloudWatch Embedded Metric Format) of the local processes' logs, summed up
 * as CloudWatch would graph them: jobs by outcome, and for each timing (by its dimensions) how
 * many, the median and the maximum. What {@code bin/stylize local status} prints.
 */
public final class MetricSummary {
    private static final List<String> COUNTS = List.of(JobMetrics.JOBS_ACCEPTED, JobMetrics.JOBS_SUCCEEDED,
            JobMetrics.JOBS_FAILED, JobMetrics.JOBS_REJECTED, JobMetrics.JOBS_EXPIRED, JobMetrics.JOBS_CANCELLED);

    private final Map<String, Double> counts = new TreeMap<>();
    /** "StepSeconds Size=512 Precision=bf16" -> its values. */
    private final Map<String, List<Double>> timings = new TreeMap<>();

    private MetricSummary() {
    }

    /** Reads the logs that exist; lines that are not metric lines are skipped. */
    public static MetricSummary read(List<Path> logs) {
        MetricSummary summary = new MetricSummary();
        for (Path log : logs) {
            if (!Files.isRegularFile(log)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(log)) {
                lines.filter(l -> l.startsWith("{") && l.contains("\"_aws\"")).forEach(summary::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (UncheckedIOException e) {
                // a log being written as we read it may end in half a line (or not be UTF-8 there)
            }
        }
        return summary;
    }

    private void add(String line) {
        JsonNode doc;
        try {
            doc = Json.read(line, JsonNode.class);
        } catch (RuntimeException e) {
            return;
        }
        for (JsonNode directive : doc.at("/_aws/CloudWatchMetrics")) {
            StringBuilder dimensions = new StringBuilder();
            for (JsonNode set : directive.path("Dimensions")) {
                for (JsonNode key : set) {
                    dimensions.append(' ').append(key.asText()).append('=').append(doc.path(key.asText()).asText());
                }
            }
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                JsonNode value = doc.path(name);
                if (!value.isNumber()) {
                    continue;
                }
                if (COUNTS.contains(name)) {
                    counts.merge(name, value.asDouble(), Double::sum);
                } else {
                    timings.computeIfAbsent(name + dimensions, k -> new ArrayList<>()).add(value.asDouble());
                }
            }
        }
    }

    /** The sum of a count metric (jobs accepted, say). */
    public int count(String metric) {
        return (int) Math.round(counts.getOrDefault(metric, 0.0));
    }

    public void print(PrintWriter out) {
        if (counts.isEmpty() && timings.isEmpty()) {
            out.println("metrics: none in the logs yet");
            return;
        }
        out.printf("metrics: jobs %d accepted, %d succeeded, %d failed, %d rejected, %d expired, %d cancelled%n",
                count(JobMetrics.JOBS_ACCEPTED), count(JobMetrics.JOBS_SUCCEEDED), count(JobMetrics.JOBS_FAILED),
                count(JobMetrics.JOBS_REJECTED), count(JobMetrics.JOBS_EXPIRED), count(JobMetrics.JOBS_CANCELLED));
        timings.forEach((key, values) -> {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            out.printf("  %-50s %4d x  median %9.3f s  max %9.3f s%n", key, n, median, sorted[n - 1]);
        });
    }

    @Override
    public String toString() {
        StringWriter text = new StringWriter();
        print(new PrintWriter(text));
        return text.toString();
    }
}
