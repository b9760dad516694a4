package dev.stylize.worker;

import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's health as the orchestrator sees it: ready only while it takes work, alive while it runs. */
class JobLoopTest {

    private static JobLoop loop(JobQueue queue) {
        JobLedger ledger = new JobLedger(new InMemoryObjectStore("bucket"), Clock.systemUTC());
        Settlement settlement = new Settlement(queue, ledger, 1, 1, 300,
                new JobMetrics(new EmfWriter("test", Clock.systemUTC(), line -> { })));
        MessageHandler handler = new MessageHandler(ledger, queue, settlement, (job, attempt, receivedAt, stop) -> null,
                Executors.newSingleThreadScheduledExecutor(), "w", 300, 60);
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
