package dev.stylize.jobs.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.testing.EmfDocuments;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobMetricsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
    private final List<String> lines = new ArrayList<>();
    private final JobMetrics metrics = new JobMetrics(new EmfWriter("stylize/test", CLOCK, lines::add));

    @Test
    void everyMetricIsAValidEmfDocumentWithItsJobId() {
        metrics.accepted("a-1", "quality");
        metrics.ended("a-1", JobState.SUCCEEDED, null);
        metrics.ended("b-2", JobState.FAILED, "gave up after 5 attempts");
        metrics.ended("c-3", JobState.REJECTED, "not an image");
        metrics.ended("d-4", JobState.EXPIRED, "not started within its time to live");
        metrics.ended("e-5", JobState.CANCELLED, "cancelled by its owner");
        metrics.queueWait("a-1", 12.5);
        metrics.run("a-1", "quality", "bf16", 61.25, 65);
        metrics.nonStep("a-1", "bf16", 2.5);
        metrics.step("a-1", 768, "bf16", 0.031, 20);
        metrics.checkpointUpload("a-1", 0.4);
        assertEquals(11, lines.size());
        for (String line : lines) {
            assertEquals(List.of(), EmfDocuments.problems(line), line);
            assertFalse(line.contains("\n"));
            JsonNode doc = Json.read(line, JsonNode.class);
            assertEquals(1_795_687_200_000L, doc.at("/_aws/Timestamp").asLong());
            assertEquals("stylize/test", doc.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
            assertTrue(doc.get("jobId").isTextual(), line);
        }
        List<String> names = lines.stream()
                .map(l -> Json.read(l, JsonNode.class).at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText()).toList();
        assertEquals(Set.copyOf(JobMetrics.NAMES), Set.copyOf(names), "every metric written once");
    }

    @Test
    void stepTimesAreByScaleSizeClassAndPrecision() {
        metrics.step("a-1", 768, "bf16", 0.031, 20);
        JsonNode doc = Json.read(lines.getFirst(), JsonNode.class);
        assertEquals("[[\"Size\",\"Precision\"]]", doc.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
        assertEquals("1024", doc.get("Size").asText());
        assertEquals("bf16", doc.get("Precision").asText());
        assertEquals(0.031, doc.get("StepSeconds").asDouble());
        assertEquals("Seconds", doc.at("/_aws/CloudWatchMetrics/0/Metrics/0/Unit").asText());
        assertEquals(768, doc.get("longestSide").asInt());
    }

    @Test
    void countsHaveNoDimensionsAndEndingsTheirOwnName() {
        metrics.ended("b-2", JobState.FAILED, "why");
        JsonNode doc = Json.read(lines.getFirst(), JsonNode.class);
        assertEquals("[[]]", doc.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
        assertEquals(1, doc.get("JobsFailed").asInt());
        assertEquals("Count", doc.at("/_aws/CloudWatchMetrics/0/Metrics/0/Unit").asText());
        assertEquals("why", doc.get("reason").asText());
        assertThrows(IllegalArgumentException.class, () -> metrics.ended("b-2", JobState.RUNNING, null));
    }

    @Test
    void sizeClassesAreTheSmallestThatHoldTheLongestSide() {
        assertEquals("128", JobMetrics.sizeClass(48));
        assertEquals("256", JobMetrics.sizeClass(129));
        assertEquals("512", JobMetrics.sizeClass(512));
        assertEquals("2048", JobMetrics.sizeClass(2048));
        assertEquals("4096", JobMetrics.sizeClass(4000), "print sizes have classes of their own");
        assertEquals("8192", JobMetrics.sizeClass(7680));
    }

    @Test
    void badDocumentsAreRefusedBeforeTheyAreWritten() {
        EmfWriter writer = new EmfWriter("ns", CLOCK, lines::add);
        assertThrows(IllegalArgumentException.class, () -> writer.document().metric("x", Double.NaN, EmfWriter.Unit.COUNT));
        assertThrows(IllegalArgumentException.class, () -> writer.document().metric("x", 1, EmfWriter.Unit.COUNT)
                .property("x", "again"));
        assertThrows(IllegalArgumentException.class, () -> writer.document().property("_aws", 1));
        assertThrows(IllegalStateException.class, () -> writer.document().property("jobId", "j").emit());
        assertThrows(IllegalArgumentException.class, () -> new EmfWriter(" ", CLOCK, lines::add));
        assertTrue(lines.isEmpty());
    }

    @Test
    void theValidatorFindsWhatTheSpecificationForbids() {
        assertFalse(EmfDocuments.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[]}} trailing").isEmpty());
        assertFalse(EmfDocuments.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                + "\"Dimensions\":[[\"Size\"]],\"Metrics\":[{\"Name\":\"T\"}]}]},\"T\":1}").isEmpty(), "missing dimension");
        assertFalse(EmfDocuments.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                + "\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"T\"}]}]},\"T\":\"1\"}").isEmpty(), "string metric");
        assertFalse(EmfDocuments.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                + "\"Dimensions\":[],\"Metrics\":[{\"Name\":\"T\",\"Unit\":\"Hours\"}]}]},\"T\":1}").isEmpty(), "unit, empty dims");
        assertEquals(List.of(), EmfDocuments.problems("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                + "\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"T\",\"Unit\":\"Seconds\"}]}]},\"T\":[1,2.5]}"));
    }

    @Test
    void standardOutputGetsWholeLines() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            new JobMetrics(EmfWriter.toStandardOutput("ns")).queueWait("a-1", 3);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.endsWith(System.lineSeparator()));
        assertEquals(List.of(), EmfDocuments.problems(out.strip()));
    }

    @Test
    void theJobIdIsInTheLoggingContextUntilTheScopeCloses() {
        assertNull(JobLogging.currentJobId());
        try (JobLogging.Scope outer = JobLogging.forJob("a-1")) {
            assertEquals("a-1", JobLogging.currentJobId());
            try (JobLogging.Scope inner = JobLogging.forJob("b-2")) {
                assertEquals("b-2", JobLogging.currentJobId());
            }
            assertEquals("a-1", JobLogging.currentJobId());
        }
        assertNull(JobLogging.currentJobId());
    }
}
