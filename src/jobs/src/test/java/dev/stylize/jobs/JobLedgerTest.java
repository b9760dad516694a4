package dev.stylize.jobs;

import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobLedgerTest {
    private final InMemoryObjectStore store = new InMemoryObjectStore("bucket");
    private final JobLedger ledger = new JobLedger(store, Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC));

    static Job job(String id) {
        return new Job(id, "bucket", "uploads/p.png", List.of(new StyleRef("styles/s.png", 1)), "seed", PlanOptions.NONE,
                Preset.SEED.plan(64, 48, PlanOptions.NONE), "jobs/" + id + ".json", "2026-11-29T11:59:00Z");
    }

    @Test
    void aJobIsRecordedOnceAndQueued() {
        assertTrue(ledger.record(job("a")));
        assertFalse(ledger.record(job("a")), "a repeated event records nothing");
        assertEquals(job("a"), ledger.job("a").orElseThrow(), "job.json round-trips, plan included");
        assertEquals(JobState.QUEUED, ledger.status("a").orElseThrow().state());
    }

    @Test
    void anUploadLeadsToItsJob() {
        String upload = "inbox/s/" + JobLayout.uniqueUploadName("harbour.png");
        assertTrue(ledger.jobOf(upload).isEmpty(), "not before the intake has recorded it");
        String jobId = JobLayout.jobId("bucket", upload, "seq");
        ledger.record(job(jobId));
        assertEquals(jobId, ledger.jobOf(upload).orElseThrow());
        assertEquals(jobId, ledger.jobOf(JobLayout.jobIdBase(upload)).orElseThrow(), "its id's start finds it too");
    }

    @Test
    void aJobEndsOnceAndOnlyTheCallThatEndedItWritesTheTerminalStatus() {
        ledger.record(job("b"));
        Outcome failed = Outcome.failed(job("b"), JobState.FAILED, "broken style", null, ledger.now());
        assertTrue(ledger.end(failed));
        JobStatus terminal = ledger.status("b").orElseThrow();
        assertEquals(JobState.FAILED, terminal.state());
        assertEquals("broken style", terminal.lastError());

        int writes = store.writes.get();
        Outcome late = Outcome.failed(job("b"), JobState.REJECTED, "something else", null, ledger.now());
        assertFalse(ledger.end(late), "the first outcome stands");
        assertEquals(writes, store.writes.get(), "a second end writes nothing, not even the status");
        assertEquals(failed, ledger.outcome("b").orElseThrow());
    }

    @Test
    void aTransientErrorPutsTheJobBackInTheQueueKeepingWhereItGot() {
        ledger.record(job("c"));
        ledger.progress(new JobStatus("c", JobState.RUNNING, 40, 100, 1.0, 0.5, 0.5, 2.0, 30.0,
                "results/c/checkpoints/step-000040.png", 1, null, "t0", "t1", List.of(new double[] {40, 1.0})));
        ledger.retrying("c", 1, "S3 said 503");
        JobStatus status = ledger.status("c").orElseThrow();
        assertEquals(JobState.QUEUED, status.state());
        assertEquals(40, status.step());
        assertEquals("results/c/checkpoints/step-000040.png", status.latestCheckpoint());
        assertEquals("S3 said 503", status.lastError());
    }

    @Test
    void theLatestWholeCheckpointIsTheOneWithAState() {
        ledger.saveCheckpoint("d", 100, new byte[] {1}, new byte[] {2});
        ledger.saveCheckpoint("d", 200, new byte[] {3}, new byte[] {4});
        store.write(JobLayout.checkpointImageKey("d", 300), new byte[] {5}, "image/png"); // its state never written
        assertEquals(200, ledger.latestCheckpoint("d").orElseThrow());
    }

    @Test
    void aLeaseHeldByAnotherWorkerIsRespectedUntilItLapses() {
        JobLease.Attempt first = ledger.lease("e", "worker-1", Duration.ofSeconds(300));
        assertInstanceOf(JobLease.Acquired.class, first);
        JobLease.Attempt second = ledger.lease("e", "worker-2", Duration.ofSeconds(300));
        assertEquals(Duration.ofSeconds(300), assertInstanceOf(JobLease.HeldElsewhere.class, second).remaining());
        ((JobLease.Acquired) first).lease().release();
        assertInstanceOf(JobLease.Acquired.class, ledger.lease("e", "worker-2", Duration.ofSeconds(300)), "released: taken over");
    }

    @Test
    void theLossHistoryStaysBoundedAndEvenlySpaced() {
        LossHistory history = new LossHistory(null);
        for (int step = 1; step <= 1000; step++) {
            history.add(step, 1000.0 / step);
        }
        List<double[]> points = history.points();
        assertTrue(points.size() <= LossHistory.MAX_POINTS, "at most " + LossHistory.MAX_POINTS + ": " + points.size());
        assertTrue(points.size() >= LossHistory.MAX_POINTS / 2, "not too few: " + points.size());
        double spacing = points.get(1)[0] - points.get(0)[0];
        for (int i = 1; i < points.size(); i++) {
            assertEquals(spacing, points.get(i)[0] - points.get(i - 1)[0], "evenly spaced");
        }
        assertEquals(1000, new LossHistory(points).points().get(points.size() - 1)[0], 1000 - points.get(points.size() - 1)[0] + 1e-9);
    }
}
