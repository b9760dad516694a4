package dev.stylize.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.EmfDocuments;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunMetricsTest {
    private final List<String> lines = new ArrayList<>();
    private final RunMetrics metrics = new RunMetrics(new JobMetrics(new EmfWriter("test", Clock.systemUTC(), lines::add)),
            "j", "bf16");
    private final Job job = new Job("j", "bucket", "uploads/p.png", List.of(new StyleRef("styles/s.png", 1)), "quality",
            PlanOptions.NONE, Preset.QUALITY.plan(512, 512, PlanOptions.NONE), "jobs/j.json", "2026-11-29T12:00:00Z");

    private List<JsonNode> docs() {
        lines.forEach(l -> assertEquals(List.of(), EmfDocuments.problems(l), l));
        return lines.stream().map(l -> Json.read(l, JsonNode.class)).toList();
    }

    @Test
    void eachScaleReportsItsMedianStepBySizeClass() {
        metrics.stepped(0, 128, false, 900); // the first step carries warm-up: the median ignores it
        metrics.stepped(0, 128, false, 100);
        metrics.stepped(0, 128, true, 120);
        metrics.stepped(1, 256, false, 400);
        metrics.stepped(1, 256, false, 420);
        metrics.stopped(); // stopped inside the second scale: its steps still count
        List<JsonNode> docs = docs();
        assertEquals(2, docs.size());
        assertEquals("128", docs.get(0).get("Size").asText());
        assertEquals(0.12, docs.get(0).get("StepSeconds").asDouble(), 1e-9);
        assertEquals(3, docs.get(0).get("steps").asInt());
        assertEquals("256", docs.get(1).get("Size").asText());
        assertEquals(0.41, docs.get(1).get("StepSeconds").asDouble(), 1e-9);
        assertEquals("bf16", docs.get(1).get("Precision").asText());
        metrics.stopped();
        assertEquals(2, lines.size(), "nothing pending, nothing written");
    }

    @Test
    void theQueueWaitIsReportedOnAJobsFirstStartOnly() {
        metrics.started(job, false, Instant.parse("2026-11-29T12:10:00Z"));
        assertEquals(0, lines.size());
        metrics.started(job, true, Instant.parse("2026-11-29T12:07:30Z"));
        assertEquals(450.0, docs().getFirst().get("QueueWaitSeconds").asDouble(), "7.5 minutes");
    }

    @Test
    void aSuccessReportsItsRunAndItsEnding() {
        metrics.checkpointUploaded(Duration.ofMillis(250));
        metrics.succeeded("quality", 42.5, 65, new Outcome.Timings("2026-11-29T11:59:00Z", "2026-11-29T12:00:00Z",
                "2026-11-29T12:00:05Z", "2026-11-29T12:00:50Z", 42.5, 40.0));
        List<JsonNode> docs = docs();
        assertEquals(0.25, docs.get(0).get("CheckpointUploadSeconds").asDouble());
        assertEquals(42.5, docs.get(1).get("RunSeconds").asDouble());
        assertEquals("quality", docs.get(1).get("Preset").asText());
        assertEquals(10.0, docs.get(2).get("NonStepSeconds").asDouble(), 1e-9, "50 s since the message was taken, 40 in steps");
        assertEquals(1, docs.get(3).get("JobsSucceeded").asInt());
    }
}
