package dev.stylize.worker;

import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.Message;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's health as the orchestrator sees it: ready only while it takes work, alive while it runs. */
class JobLoopTest {

    private static JobLoop loop(JobQueue queue) {
        return loop(queue, new InMemoryObjectStore("bucket"));
    }

    private static JobLoop loop(JobQueue queue, ObjectStore store) {
        JobLedger ledger = new JobLedger(store, Clock.systemUTC());
        Settlement settlement = new Settlement(queue, ledger, 1, 1, 300,
                new JobMetrics(new EmfWriter("test", Clock.systemUTC(), line -> { })));
        MessageHandler handler = new MessageHandler(ledger, queue, settlement, (job, inputs, attempt, stop) -> null,
                Executors.newSingleThreadScheduledExecutor(), "w", 300, 60,
                new JobExpiry(Duration.ofDays(1)));
        return new JobLoop(queue, handler, 0, 300, 1);
    }

    @Test
    void anOutageWhilePollingIsWaitedOutAndTheLoopStaysReady() throws InterruptedException {
        AtomicInteger polls = new AtomicInteger();
        FakeQueue failing = new FakeQueue() {
            @Override
            public Optional<Message> receive(int waitSeconds, int visibilitySeconds) {
                polls.incrementAndGet();
                throw SdkClientException.create("SQS unreachable");
            }
        };
        JobLoop loop = loop(failing);
        Thread thread = new Thread(loop);
        thread.start();
        while (polls.get() < 2) {
            Thread.sleep(50);
        }
        assertTrue(loop.isTakingWork(), "ready: it will take work as soon as SQS answers");
        assertTrue(loop.stop(5));
        assertFalse(loop.isTakingWork(), "stopping: not ready");
    }

    /** A bucket as S3 is in an outage: every read and write fails. */
    static ObjectStore unreachableStore() {
        return (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("bucket")) {
                        return "bucket";
                    }
                    throw SdkClientException.create("S3 unreachable");
                });
    }

    @Test
    void aSlotWhoseJobRecordsCannotBeReadRestsInsteadOfTakingMessageAfterMessage() throws InterruptedException {
        AtomicInteger receives = new AtomicInteger();
        FakeQueue busy = new FakeQueue() {
            @Override
            public Optional<Message> receive(int waitSeconds, int visibilitySeconds) {
                int n = receives.incrementAndGet();
                return Optional.of(message("m" + n, Json.compact(new JobMessage("job-" + n, "bucket")), 1));
            }
        };
        JobLoop loop = loop(busy, unreachableStore());
        Thread thread = new Thread(loop);
        thread.start();
        Thread.sleep(JobLoop.RECORDS_UNAVAILABLE_PAUSE_MS / 2);
        assertEquals(1, receives.get(), "one message, then the slot rests");
        assertTrue(loop.stop(JobLoop.RECORDS_UNAVAILABLE_PAUSE_MS / 1000 + 5));
    }

    @Test
    void aLoopThatDiedIsNeitherReadyNorAlive() throws InterruptedException {
        FakeQueue broken = new FakeQueue() {
            @Override
            public Optional<Message> receive(int waitSeconds, int visibilitySeconds) {
                throw new InternalError("the JVM is in trouble");
            }
        };
        JobLoop loop = loop(broken);
        Thread thread = new Thread(loop);
        thread.setUncaughtExceptionHandler((t, e) -> { });
        thread.start();
        thread.join(5000);
        assertFalse(loop.isTakingWork(), "readiness DOWN: the loop cannot take work");
        assertFalse(loop.isAlive(), "liveness DOWN: the orchestrator restarts the process");
    }
}
