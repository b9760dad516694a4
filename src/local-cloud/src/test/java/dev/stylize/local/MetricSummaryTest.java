package dev.stylize.local;

import dev.stylize.jobs.JobState;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricSummaryTest {
    @Test
    void metricLinesAmongLogLinesAreSummedAndTheirTimingsSummarised(@TempDir Path dir) throws IOException {
        List<String> worker = new ArrayList<>();
        List<String> runner = new ArrayList<>();
        JobMetrics workerMetrics = new JobMetrics(new EmfWriter("stylize", Clock.systemUTC(), worker::add));
        JobMetrics runnerMetrics = new JobMetrics(new EmfWriter("stylize", Clock.systemUTC(), runner::add));
        runner.add("{\"timestamp\":\"2026-11-29T12:00:00.000Z\",\"level\":\"INFO\",\"message\":\"accepted a-1\"}");
        runnerMetrics.accepted("a-1", "quality");
        runnerMetrics.accepted("b-2", "quality");
        runnerMetrics.ended("c-3", JobState.REJECTED, "not an image");
        workerMetrics.step("a-1", 128, "bf16", 0.1, 25);
        workerMetrics.step("a-1", 256, "bf16", 0.4, 20);
        workerMetrics.step("b-2", 128, "bf16", 0.3, 25);
        workerMetrics.ended("a-1", JobState.SUCCEEDED, null);
        workerMetrics.ended("b-2", JobState.FAILED, "corrupt style");
        worker.add("not json at all");
        worker.add("{\"_aws\": half a line");
        Files.write(dir.resolve("worker.log"), worker);
        Files.write(dir.resolve("runner.log"), runner);

        MetricSummary summary = MetricSummary.read(List.of(dir.resolve("worker.log"), dir.resolve("runner.log"),
                dir.resolve("missing.log")));
        assertEquals(2, summary.count(JobMetrics.JOBS_ACCEPTED));
        assertEquals(1, summary.count(JobMetrics.JOBS_SUCCEEDED));
        assertEquals(1, summary.count(JobMetrics.JOBS_FAILED));
        assertEquals(1, summary.count(JobMetrics.JOBS_REJECTED));
        String text = summary.toString();
        assertTrue(text.startsWith("metrics: jobs 2 accepted, 1 succeeded, 1 failed, 1 rejected"), text);
        assertTrue(text.matches("(?s).*StepSeconds Size=128 Precision=bf16 +2 x +median +0\\.200 s +max +0\\.300 s.*"), text);
        assertTrue(text.matches("(?s).*StepSeconds Size=256 Precision=bf16 +1 x +median +0\\.400 s.*"), text);
    }

    @Test
    void noLogsSayNoMetrics(@TempDir Path dir) {
        assertEquals("metrics: none in the logs yet", MetricSummary.read(List.of(dir.resolve("worker.log"))).toString().strip());
    }
}
