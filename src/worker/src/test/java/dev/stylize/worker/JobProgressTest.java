package dev.stylize.worker;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JobProgressTest {
    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final JobLedger ledger = new JobLedger(new InMemoryObjectStore("bucket"), clock);
    private final Job job = new Job("j", "bucket", "uploads/p.png", List.of(new StyleRef("styles/s.png", 1)), "quality",
            PlanOptions.NONE, Preset.QUALITY.plan(512, 512, PlanOptions.NONE), "jobs/j.json", "t");

    private final JobWrites writes = new JobWrites("j");

    private JobProgress progress(JobStatus earlier) {
        return new JobProgress(job, 2, ledger, Duration.ofSeconds(2), clock, earlier, noMetrics(), writes,
                clock.instant());
    }

    private RunMetrics noMetrics() {
        return new RunMetrics(new JobMetrics(new EmfWriter("test", clock, line -> { })), "j", "fp32");
    }

    @Test
    void speedAndEtaComeFromThisAttemptsWorkNotItsSteps() {
        JobProgress progress = progress(null);
        progress.began(10, 65, 0.1);
        assertNull(progress.status(JobState.RUNNING, 10, 65, 0.1).etaSeconds(), "no pace measured yet");
        clock.advance(Duration.ofSeconds(20));
        JobStatus status = progress.status(JobState.RUNNING, 30, 65, 0.3);
        assertEquals(1.0, status.itPerSecond(), 1e-9, "20 steps in 20 s");
        assertEquals(70.0, status.etaSeconds(), 1e-9, "a fifth of the work took 20 s; seven tenths are left");
        assertEquals(2, status.attempt());
        writes.flush();
        assertEquals(ledger.status("j").orElseThrow().state(), JobState.RUNNING, "began wrote the first status, beside the steps");
    }

    @Test
    void aResumedJobContinuesItsLossHistoryFromItsCheckpoint() {
        JobStatus before = new JobStatus("j", JobState.RUNNING, 25, 65, null, null, null, null, null, null, 2, null,
                null, "t", List.of(new double[] {10, 5.0}, new double[] {20, 3.0}, new double[] {25, 2.5}), 1, null);
        JobProgress progress = progress(before);
        progress.resumedFrom(20, "results/j/checkpoints/step-000020.png");
        progress.note("the checkpoint at step 25 could not be used: its state is gone");
        List<double[]> history = progress.status(JobState.RUNNING, 20, 65, 0.2).lossHistory();
        assertEquals(List.of(10.0, 20.0), history.stream().map(p -> p[0]).toList(), "points past the checkpoint are redone");
        JobStatus status = progress.status(JobState.RUNNING, 20, 65, 0.2);
        assertEquals("results/j/checkpoints/step-000020.png", status.latestCheckpoint());
        assertEquals(1, status.interruptions(), "as counted when the attempt started");
        assertEquals(List.of("the checkpoint at step 25 could not be used: its state is gone"), status.notes());
    }
}
