package dev.stylize.jobs;

import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
                "results/c/checkpoints/step-000040.png", 1, null, "t0", "t1", List.of(new double[] {40, 1.0}), null, null));
        ledger.retrying("c", 1, "S3 said 503");
        JobStatus status = ledger.status("c").orElseThrow();
        assertEquals(JobState.QUEUED, status.state());
        assertEquals(40, status.step());
        assertEquals("results/c/checkpoints/step-000040.png", status.latestCheckpoint());
        assertEquals("S3 said 503", status.lastError());
    }

    @Test
    void onlyRecordedCheckpointsCountAndTheirStateMustBeWhatWasWritten() {
        ledger.saveCheckpoint("d", 100, new byte[] {1}, new byte[] {2, 2});
        ledger.saveCheckpoint("d", 200, new byte[] {3}, new byte[] {4, 4});
        store.write(JobLayout.checkpointStateKey("d", 300), new byte[] {5}, "application/octet-stream"); // forged: never recorded
        List<Checkpoint> recorded = ledger.checkpoints("d");
        assertEquals(List.of(200, 100), recorded.stream().map(Checkpoint::step).toList(), "newest first, the forged one ignored");
        assertEquals(2, ledger.checkpointState("d", recorded.get(0)).length);

        store.write(JobLayout.checkpointStateKey("d", 200), new byte[] {9, 9}, "application/octet-stream"); // overwritten
        UnusableCheckpointException e = assertThrows(UnusableCheckpointException.class,
                () -> ledger.checkpointState("d", recorded.get(0)));
        assertTrue(e.getMessage().startsWith("the checkpoint at step 200 could not be used: its state is not what was written"),
                e.getMessage());
        store.delete(JobLayout.checkpointStateKey("d", 100));
        assertEquals("the checkpoint at step 100 could not be used: its state is gone",
                assertThrows(UnusableCheckpointException.class, () -> ledger.checkpointState("d", recorded.get(1))).getMessage());
    }

    @Test
    void anEndedJobsStatesGoButItsCheckpointImagesStay() {
        ledger.record(job("f"));
        ledger.saveCheckpoint("f", 10, new byte[] {1}, new byte[] {2});
        ledger.end(Outcome.failed(job("f"), JobState.FAILED, "broken style", null, ledger.now()));
        assertFalse(store.exists(JobLayout.checkpointStateKey("f", 10)));
        assertTrue(store.exists(JobLayout.checkpointImageKey("f", 10)));
    }

    @Test
    void aSizeReducedToFitMemoryStaysOnRecordForLaterAttempts() {
        ledger.record(job("d"));
        Downsized downsized = new Downsized(64, 48, "a 64 px result needs more memory than is free");
        ledger.progress(new JobStatus("d", JobState.RUNNING, 4, 10, 1.0, 0.5, 0.5, 2.0, 3.0,
                "results/d/checkpoints/step-000004.png", 1, null, "t0", "t1", null, 0, List.of(downsized.reason()),
                downsized, null, null));
        ledger.retrying("d", 1, "S3 said 503");
        assertEquals(downsized, ledger.status("d").orElseThrow().downsized());
        ledger.attemptStarted("d", 2);
        assertEquals(downsized, ledger.status("d").orElseThrow().downsized(), "its checkpoints belong to the 48 px plan");
    }

    @Test
    void aWorkerThatDiedWhileRunningAJobIsCountedByTheNextAttempt() {
        ledger.record(job("g"));
        assertEquals(0, ledger.attemptStarted("g", 1), "a first attempt");
        assertEquals(1, ledger.attemptStarted("g", 2), "found RUNNING: the first attempt's worker died");
        ledger.retrying("g", 2, "S3 said 503");
        assertEquals(1, ledger.attemptStarted("g", 3), "a transient error hands the job back in good order");
        assertEquals(2, ledger.attemptStarted("g", 4));
    }

    @Test
    void aRunningJobWhoseWorkersLeaseLapsedSaysItLostItsWorker() {
        ledger.record(job("i"));
        ledger.attemptStarted("i", 1);
        ledger.lease("i", "worker-1", Duration.ofSeconds(300));
        assertTrue(ledger.workerLostAt("i").isEmpty(), "held");
        ledger.lease("i", "worker-1", Duration.ofSeconds(-1)); // renewed into the past: lapsed
        assertEquals("2026-11-29T11:59:59Z", ledger.workerLostAt("i").orElseThrow());
    }

    @Test
    void aRejectionIsOnRecordBeforeItsOutcome() {
        Outcome rejected = Outcome.rejected("h", "bucket", "inbox/s/x.gif", "x.gif is a GIF image", ledger.now());
        assertTrue(ledger.endUnrecorded(rejected));
        assertEquals(JobState.REJECTED, ledger.status("h").orElseThrow().state());
        assertFalse(ledger.endUnrecorded(rejected), "once");
    }

    /** Two parties end an unrecorded job at once (its upload deadline passes as its owner cancels it): one outcome, and the status agrees. */
    @Test
    void whenTwoEndAnUnrecordedJobAtOnceTheStatusIsTheWinningOutcomes() {
        Outcome expired = Outcome.unrecorded("j", "bucket", JobState.EXPIRED, "requests/j/request.json", "no photo came",
                ledger.now());
        Outcome cancelled = Outcome.unrecorded("j", "bucket", JobState.CANCELLED, "requests/j/request.json", "cancelled",
                ledger.now());
        AtomicBoolean staleCheck = new AtomicBoolean(true);
        ObjectStore lateToSee = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("exists") && staleCheck.getAndSet(false)) {
                        return false; // checked just before the other party's outcome landed
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        assertTrue(ledger.endUnrecorded(expired));
        assertFalse(new JobLedger(lateToSee, Clock.systemUTC()).endUnrecorded(cancelled), "the first outcome stands");
        assertEquals(JobState.EXPIRED, ledger.outcome("j").orElseThrow().status());
        assertEquals(JobState.EXPIRED, ledger.status("j").orElseThrow().state(), "and the status says what the outcome does");
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
        for (int steps : new int[] {1000, 1001, 299, 300}) {
            LossHistory history = new LossHistory(null);
            for (int step = 1; step <= steps; step++) {
                history.add(step, 1000.0 / step);
            }
            List<double[]> points = history.points();
            assertTrue(points.size() <= LossHistory.MAX_POINTS, "at most " + LossHistory.MAX_POINTS + ": " + points.size());
            assertTrue(points.size() >= Math.min(steps, LossHistory.MAX_POINTS / 2), "not too few: " + points.size());
            double spacing = points.get(1)[0] - points.get(0)[0];
            for (int i = 1; i < points.size() - 1; i++) {
                assertEquals(spacing, points.get(i)[0] - points.get(i - 1)[0], "evenly spaced");
            }
            assertEquals(steps, points.get(points.size() - 1)[0], "the plot ends at the newest step");
            assertEquals(1000.0 / steps, points.get(points.size() - 1)[1]);
            List<double[]> resumed = new LossHistory(points).points();
            assertEquals(steps, resumed.get(resumed.size() - 1)[0], "and still does when read back");
            assertEquals(points.size(), resumed.size());
        }
    }
}
