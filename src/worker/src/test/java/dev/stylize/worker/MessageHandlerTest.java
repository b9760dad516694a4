package dev.stylize.worker;

import ai.djl.engine.EngineException;
import dev.stylize.engine.StyleRun;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobLogging;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settlement of a job's message in every case, on an in-memory bucket and queue: no emulator, no engine. */
class MessageHandlerTest {
    private static final JobExpiry DAY = new JobExpiry(Duration.ofDays(1));
    private final InMemoryObjectStore store = new InMemoryObjectStore("bucket");
    private final JobLedger ledger = new JobLedger(store, Clock.systemUTC());
    private final FakeQueue queue = new FakeQueue();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger runs = new AtomicInteger();
    private final List<String> metricLines = new ArrayList<>();
    private final JobMetrics metrics = new JobMetrics(new EmfWriter("test", Clock.systemUTC(), metricLines::add));

    @AfterEach
    void stopHeartbeats() {
        heartbeats.shutdownNow();
    }

    /** A runner as these tests write it: when the message was received does not matter here. */
    private interface Run {
        StyleRun.Ending run(Job job, int attempt, BooleanSupplier stop);
    }

    private MessageHandler handler(Run runner) {
        return new MessageHandler(ledger, queue, new Settlement(queue, ledger, 10, 900, 300, metrics), (job, inputs, attempt, stop) -> {
            runs.incrementAndGet();
            return runner.run(job, attempt.number(), stop);
        }, heartbeats, "worker-1", 300, 60, DAY);
    }

    private static Message messageFor(String jobId, int receiveCount) {
        return FakeQueue.message(jobId + "-m" + receiveCount, Json.compact(new JobMessage(jobId, "bucket")), receiveCount);
    }

    private Job recorded(String jobId) {
        return recorded(jobId, ledger.now());
    }

    private Job recorded(String jobId, String acceptedAt) {
        Job job = new Job(jobId, "bucket", "uploads/p.png", List.of(new StyleRef("styles/s.png", 1)), "seed",
                PlanOptions.NONE, Preset.SEED.plan(64, 48, PlanOptions.NONE), "jobs/" + jobId + ".json", acceptedAt);
        ledger.record(job);
        return job;
    }

    @Test
    void aFinishedRunDeletesItsMessage() {
        recorded("a");
        Message m = messageFor("a", 1);
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> false);
        assertEquals(List.of(m.messageId()), queue.deleted);
    }

    @Test
    void theJobIdIsInTheLoggingContextWhileItsMessageIsHandledAndOnlyThen() {
        recorded("ctx");
        List<String> seen = new ArrayList<>();
        handler((job, attempt, stop) -> {
            seen.add(JobLogging.currentJobId());
            return StyleRun.Ending.FINISHED;
        }).handle(messageFor("ctx", 1), () -> false);
        assertEquals(List.of("ctx"), seen);
        assertNull(JobLogging.currentJobId(), "cleared after the job");
    }

    @Test
    void aFailureCountsOnceInTheMetricsEvenWhenTheJobHadEndedElsewhere() {
        Job job = recorded("once");
        PermanentJobFailure failure = new PermanentJobFailure("corrupt style");
        Settlement settlement = new Settlement(queue, ledger, 10, 900, 300, metrics);
        settlement.fail(messageFor("once", 1), job, failure);
        settlement.fail(messageFor("once", 2), job, failure);
        assertEquals(1, metricLines.size(), String.join("\n", metricLines));
        assertTrue(metricLines.getFirst().contains("\"JobsFailed\":1"), metricLines.getFirst());
        assertTrue(metricLines.getFirst().contains("\"jobId\":\"once\""), metricLines.getFirst());
    }

    @Test
    void aStoppedRunReleasesItsMessageAtOnce() {
        recorded("b");
        Message m = messageFor("b", 1);
        handler((job, attempt, stop) -> StyleRun.Ending.STOPPED).handle(m, () -> false);
        assertEquals(0, queue.visibility.get(m.messageId()));
        assertTrue(queue.deleted.isEmpty());
    }

    @Test
    void aJobCancelledWhileItRunsStopsAtItsNextStepAndEndsCancelledOnce() {
        recorded("cancel-me");
        Message m = messageFor("cancel-me", 1);
        AtomicInteger steps = new AtomicInteger();
        handler((job, attempt, stop) -> {
            while (!stop.getAsBoolean()) { // a step, then the question the run asks before the next
                if (steps.incrementAndGet() == 3) {
                    store.write(JobLayout.cancelKey("cancel-me"), "{}".getBytes(), "application/json");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            return StyleRun.Ending.STOPPED;
        }).handle(m, () -> false);
        int stepsAfterCancel = steps.get() - 3;
        assertTrue(stepsAfterCancel <= (CancelWatch.EVERY_SECONDS * 1000 / 50) + 2, "stopped within a beat: " + stepsAfterCancel);
        assertEquals(JobState.CANCELLED, ledger.outcome("cancel-me").orElseThrow().status());
        assertEquals(List.of(m.messageId()), queue.deleted, "its message is done");
        assertEquals(1, metricLines.stream().filter(l -> l.contains("\"JobsCancelled\":1")).count());
    }

    @Test
    void aJobCancelledBeforeItStartedIsNeverRun() {
        recorded("never");
        store.write(JobLayout.cancelKey("never"), "{}".getBytes(), "application/json");
        Message m = messageFor("never", 1);
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> false);
        assertEquals(0, runs.get());
        assertEquals(JobState.CANCELLED, ledger.outcome("never").orElseThrow().status());
        assertEquals(List.of(m.messageId()), queue.deleted);
    }

    /**
     * The intake cancels a queued job while a worker starts it, and the worker's RUNNING lands last:
     * the run, told so beside its start, stops before its first step.
     */
    @Test
    void aJobEndedAsItsWorkerStartsItStopsBeforeItsFirstStepAndItsStatusSaysItEnded() {
        Job job = recorded("raced");
        ObjectStore racing = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("write") && JobLayout.statusKey("raced").equals(args[0])
                            && new String((byte[]) args[1]).contains("RUNNING") && !ledger.hasEnded("raced")) {
                        ledger.end(Outcome.failed(job, JobState.CANCELLED, "cancelled", null, ledger.now()));
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        JobLedger worker = new JobLedger(racing, Clock.systemUTC());
        Message m = messageFor("raced", 1);
        AtomicBoolean stepped = new AtomicBoolean();
        new MessageHandler(worker, queue, new Settlement(queue, worker, 10, 900, 300, metrics), (j, inputs, attempt, stop) -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!stop.getAsBoolean()) { // a run's time before its first step: decoding, the targets
                if (System.nanoTime() > deadline) {
                    stepped.set(true);
                    return StyleRun.Ending.FINISHED;
                }
                LockSupport.parkNanos(1_000_000);
            }
            return StyleRun.Ending.STOPPED;
        }, heartbeats, "worker-1", 300, 60, DAY).handle(m, () -> false);
        assertFalse(stepped.get(), "told to stop before its first step");
        assertEquals(List.of(m.messageId()), queue.deleted);
        assertEquals(JobState.CANCELLED, ledger.outcome("raced").orElseThrow().status());
        assertEquals(JobState.CANCELLED, ledger.status("raced").orElseThrow().state(), "the status agrees with the outcome");
    }

    @Test
    void aJobThatEndedElsewhereIsNotRunAgain() {
        Job job = recorded("c");
        ledger.end(Outcome.failed(job, JobState.FAILED, "done before", null, ledger.now()));
        Message m = messageFor("c", 2);
        handler((j, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> false);
        assertEquals(0, runs.get());
        assertEquals(List.of(m.messageId()), queue.deleted);
    }

    @Test
    void aMissingJobRecordEndsTheJobFailedWithThatReason() {
        Message m = messageFor("d", 1);
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> false);
        assertEquals(JobState.FAILED, ledger.outcome("d").orElseThrow().status());
        assertEquals("the job record results/d/job.json is missing", ledger.outcome("d").orElseThrow().reason());
        assertEquals(List.of(m.messageId()), queue.deleted);
    }

    @Test
    void aPermanentFailureEndsTheJobAtOnceWithItsStatusAndReason() {
        recorded("e");
        Message m = messageFor("e", 1);
        handler((job, attempt, stop) -> {
            throw new PermanentJobFailure(JobState.REJECTED, "the content image is unusable: truncated", null);
        }).handle(m, () -> false);
        Outcome outcome = ledger.outcome("e").orElseThrow();
        assertEquals(JobState.REJECTED, outcome.status());
        assertEquals("the content image is unusable: truncated", outcome.reason());
        assertEquals(JobState.REJECTED, ledger.status("e").orElseThrow().state());
        assertEquals(List.of(m.messageId()), queue.deleted);
    }

    @Test
    void aTransientErrorIsRetriedLaterEachTimeWithTheErrorOnRecord() {
        recorded("f");
        MessageHandler handler = handler((job, attempt, stop) -> {
            throw SdkClientException.create("S3 unreachable");
        });
        for (int attempt = 1; attempt <= 5; attempt++) {
            handler.handle(messageFor("f", attempt), () -> false);
        }
        assertEquals(List.of(10, 20, 40, 80, 160), List.of(1, 2, 3, 4, 5).stream()
                .map(a -> queue.visibility.get("f-m" + a)).toList(), "backoff doubles from the base");
        assertEquals(JobState.QUEUED, ledger.status("f").orElseThrow().state());
        assertEquals("SdkClientException: S3 unreachable", ledger.status("f").orElseThrow().lastError());
        assertEquals(5, ledger.status("f").orElseThrow().attempt());
        assertTrue(ledger.outcome("f").isEmpty(), "not ended: the dead-letter queue decides after maxReceiveCount");
        assertEquals(900, new Settlement(queue, ledger, 10, 900, 300, metrics).backoff(12), "never more than the maximum");
    }

    @Test
    void aTransientErrorWhileStoppingHandsTheJobOverAtOnce() {
        recorded("g");
        Message m = messageFor("g", 1);
        handler((job, attempt, stop) -> {
            throw SdkClientException.create("interrupted upload");
        }).handle(m, () -> runs.get() > 0);
        assertEquals(0, queue.visibility.get(m.messageId()));
    }

    @Test
    void aJobRunningOnAnotherWorkerMakesTheDuplicateWaitForItsLease() {
        recorded("h");
        ledger.lease("h", "worker-2", Duration.ofSeconds(120));
        Message m = messageFor("h", 2);
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> false);
        assertEquals(0, runs.get(), "not run twice at once");
        int wait = queue.visibility.get(m.messageId());
        assertTrue(wait > 100 && wait <= 121, "waits until the lease would lapse: " + wait);
    }

    @Test
    void aMessageThatIsNoJobMessageGoesBackLateForTheDeadLetterQueue() {
        Message m = FakeQueue.message("junk", "not json", 3);
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> false);
        assertEquals(40, queue.visibility.get("junk"));
        assertTrue(queue.deleted.isEmpty(), "not ours to drop");
    }

    @Test
    void anErrorInsideAJobEndsThatJobAndNotTheWorker() {
        recorded("oom");
        recorded("next");
        MessageHandler handler = handler((job, attempt, stop) -> {
            if (job.jobId().equals("oom")) {
                throw new OutOfMemoryError("Java heap space");
            }
            return StyleRun.Ending.FINISHED;
        });
        handler.handle(messageFor("oom", 1), () -> false);
        Outcome outcome = ledger.outcome("oom").orElseThrow();
        assertEquals(JobState.FAILED, outcome.status());
        assertEquals("the job ran out of memory: Java heap space; resubmit with a smaller maxSize", outcome.reason(),
                "permanent at once, never five retries");
        handler.handle(messageFor("next", 1), () -> false);
        assertEquals(List.of("oom-m1", "next-m1"), queue.deleted, "and the next job runs");
    }

    @Test
    void libtorchRunningOutOfGpuOrHostMemoryEndsTheJobFailedAtOnceWithThatReason() {
        recorded("cuda");
        Message m = messageFor("cuda", 1);
        handler((job, attempt, stop) -> {
            throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of "
                    + "22.06 GiB of which 1.10 GiB is free.\nException raised from malloc at c10/cuda/CUDACachingAllocator.cpp");
        }).handle(m, () -> false);
        Outcome outcome = ledger.outcome("cuda").orElseThrow();
        assertEquals(JobState.FAILED, outcome.status());
        assertEquals("the job ran out of memory: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total "
                + "capacity of 22.06 GiB of which 1.10 GiB is free.; resubmit with a smaller maxSize", outcome.reason());

        recorded("host");
        handler((job, attempt, stop) -> {
            throw new EngineException("DefaultCPUAllocator: not enough memory: you tried to allocate 8589934592 bytes.");
        }).handle(messageFor("host", 1), () -> false);
        assertEquals("the job ran out of memory: DefaultCPUAllocator: not enough memory: you tried to allocate 8589934592 "
                + "bytes.; resubmit with a smaller maxSize", ledger.outcome("host").orElseThrow().reason());

        recorded("wrapped");
        handler((job, attempt, stop) -> {
            throw new UncheckedIOException(new IOException("Cannot allocate memory"));
        }).handle(messageFor("wrapped", 1), () -> false);
        assertEquals(JobState.FAILED, ledger.outcome("wrapped").orElseThrow().status(), "out of memory even inside an I/O error");
        assertEquals(List.of("cuda-m1", "host-m1", "wrapped-m1"), queue.deleted, "none retried");
    }

    @Test
    void otherNonTransientErrorsFailAtOnceToo() {
        recorded("bug");
        handler((job, attempt, stop) -> {
            throw new IllegalStateException("Output size is too small");
        }).handle(messageFor("bug", 1), () -> false);
        assertEquals("the job failed: Output size is too small", ledger.outcome("bug").orElseThrow().reason(),
                "only I/O and service errors are retried");
    }

    @Test
    void aJobThatKilledItsWorkerTwiceFailsAtOnceOnItsNextDelivery() {
        recorded("crash");
        MessageHandler handler = handler((job, attempt, stop) -> {
            throw new IllegalStateException("unreachable");
        });
        ledger.attemptStarted("crash", 1); // worker 1 died running it
        ledger.attemptStarted("crash", 2); // and worker 2
        handler.handle(messageFor("crash", 3), () -> false);
        assertEquals(0, runs.get(), "not run a third time");
        Outcome outcome = ledger.outcome("crash").orElseThrow();
        assertEquals(JobState.FAILED, outcome.status());
        assertEquals("the job stopped its worker 2 times (the process died while running it, e.g. out of memory); "
                + "it is not tried again", outcome.reason());
    }

    @Test
    void recordsThatCannotBeReadSendTheMessageBackLaterAndTellTheSlotToRest() {
        JobLedger unreachable = new JobLedger(JobLoopTest.unreachableStore(), Clock.systemUTC());
        MessageHandler handler = new MessageHandler(unreachable, queue, new Settlement(queue, unreachable, 10, 900, 300, metrics),
                (job, inputs, attempt, stop) -> StyleRun.Ending.FINISHED, heartbeats, "worker-1", 300, 60, DAY);
        Message m = messageFor("s3-down", 2);
        assertFalse(handler.handle(m, () -> false), "the slot is told the records did not answer");
        assertEquals(20, queue.visibility.get(m.messageId()), "back after the backoff of its second receive");
        assertTrue(queue.deleted.isEmpty(), "nothing accepted is dropped");
    }

    /** A cancel check S3 never answers holds up no heartbeat: the message and the lease stay renewed. */
    @Test
    void aCancelCheckThatHangsHoldsUpNoHeartbeat() {
        recorded("hung");
        CountDownLatch answer = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean();
        ObjectStore hangingCancelChecks = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (running.get() && method.getName().equals("exists") && JobLayout.cancelKey("hung").equals(args[0])) {
                        answer.await();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        JobLedger ledger = new JobLedger(hangingCancelChecks, Clock.systemUTC());
        AtomicInteger beats = new AtomicInteger();
        FakeQueue counting = new FakeQueue() {
            @Override
            public synchronized void setVisibility(Message message, int seconds) {
                beats.incrementAndGet();
                super.setVisibility(message, seconds);
            }
        };
        int heartbeatSeconds = 1; // a cancel check every CancelWatch.EVERY_SECONDS (2 s) hangs from the first
        MessageHandler handler = new MessageHandler(ledger, counting, new Settlement(counting, ledger, 10, 900, 300, metrics),
                (job, inputs, attempt, stop) -> {
                    running.set(true);
                    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    while (beats.get() < 4 && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                    }
                    return StyleRun.Ending.FINISHED;
                }, heartbeats, "worker-1", 300, heartbeatSeconds, DAY);
        try {
            handler.handle(messageFor("hung", 1), () -> false);
            assertTrue(beats.get() >= 4, "4 beats in 15 s while the cancel checks hang, got " + beats.get());
            assertEquals(List.of("hung-m1"), counting.deleted);
        } finally {
            answer.countDown();
        }
    }

    @Test
    void aJobNotStartedWithinItsTimeToLiveEndsExpiredUnrunAndIsAnnouncedOnce() {
        recorded("stale", Instant.now().minus(Duration.ofHours(26)).toString());
        Message m = messageFor("stale", 3);
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> false);
        assertEquals(0, runs.get(), "never run");
        Outcome outcome = ledger.outcome("stale").orElseThrow();
        assertEquals(JobState.EXPIRED, outcome.status());
        assertTrue(outcome.reason().startsWith("the job was not started within its time to live of 24 h 0 min (it waited 26 h "),
                outcome.reason());
        assertEquals(JobState.EXPIRED, ledger.status("stale").orElseThrow().state());
        assertEquals(List.of(m.messageId()), queue.deleted);
        assertEquals(1, metricLines.stream().filter(l -> l.contains("\"JobsExpired\"")).count(), metricLines.toString());
    }

    @Test
    void aJobThatStartedOnceRunsOnHoweverOldItIs() {
        recorded("old-but-started", Instant.now().minus(Duration.ofDays(2)).toString());
        ledger.attemptStarted("old-but-started", 1);
        ledger.retrying("old-but-started", 1, "SdkClientException: S3 unreachable");
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(messageFor("old-but-started", 2), () -> false);
        assertEquals(1, runs.get(), "its owner saw it start: it finishes");
        recorded("young", Instant.now().minus(Duration.ofHours(23)).toString());
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(messageFor("young", 1), () -> false);
        assertEquals(2, runs.get());
        recorded("undated", "t"); // a record from before acceptedAt was an instant: its age is unknown
        assertTrue(handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(messageFor("undated", 1), () -> false));
        assertEquals(3, runs.get(), "it runs");
        assertEquals("26 h 5 min", JobExpiry.words(Duration.ofMinutes(26 * 60 + 5)));
        assertEquals("12 min 30 s", JobExpiry.words(Duration.ofSeconds(750)));
    }

    @Test
    void aWorkerThatIsStoppingTakesNoNewJob() {
        recorded("i");
        Message m = messageFor("i", 1);
        handler((job, attempt, stop) -> StyleRun.Ending.FINISHED).handle(m, () -> true);
        assertEquals(0, runs.get());
        assertEquals(0, queue.visibility.get(m.messageId()));
    }
}
