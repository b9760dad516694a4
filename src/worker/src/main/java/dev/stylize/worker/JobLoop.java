package dev.stylize.worker;

import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's loop, on its own thread: whenever one of its job slots is free, take a job message
 * and run it on that slot's thread, so up to {@code slots} jobs run at once (each one's steps, I/O
 * and waits beside the others', which keeps a GPU busy). Outages of S3 or SQS while polling are
 * waited out: an unsettled message reappears when its visibility runs out, so nothing is lost.
 */
final class JobLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(JobLoop.class);
    /**
     * How long a slot rests after its job's records could not be read: without it, a worker in an
     * S3 outage would take message after message, each one's receive counting towards the dead-letter queue.
     */
    static final long RECORDS_UNAVAILABLE_PAUSE_MS = 5_000;

    private final JobQueue queue;
    private final MessageHandler handler;
    private final int pollWaitSeconds;
    private final int visibilitySeconds;
    private final int slots;
    private final Semaphore free;
    private final ExecutorService jobs;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean running;

    JobLoop(JobQueue queue, MessageHandler handler, int pollWaitSeconds, int visibilitySeconds, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("a worker needs at least one job slot, got " + slots);
        }
        this.queue = queue;
        this.handler = handler;
        this.pollWaitSeconds = pollWaitSeconds;
        this.visibilitySeconds = visibilitySeconds;
        this.slots = slots;
        this.free = new Semaphore(slots);
        AtomicInteger n = new AtomicInteger();
        this.jobs = Executors.newFixedThreadPool(slots,
                runnable -> Thread.ofPlatform().name("job-" + n.incrementAndGet()).unstarted(runnable));
    }

    @Override
    public void run() {
        running = true;
        try {
            int failures = 0;
            while (!stopping) {
                if (!takeSlot()) {
                    continue;
                }
                boolean handedOver = false;
                try {
                    Optional<Message> message = queue.receive(pollWaitSeconds, visibilitySeconds);
                    if (message.isPresent()) {
                        jobs.execute(() -> runInSlot(message.get()));
                        handedOver = true;
                    }
                    failures = 0;
                } catch (RuntimeException e) {
                    failures++;
                    long pause = Math.min(30_000L, 500L << Math.min(6, failures));
                    LOG.warnf("polling failed (%d in a row), retrying in %d ms: %s", failures, pause, e.getMessage());
                    sleep(pause);
                } finally {
                    if (!handedOver) {
                        free.release();
                    }
                }
            }
        } finally {
            awaitRunningJobs();
            running = false;
            stopped.countDown();
        }
    }

    private void runInSlot(Message message) {
        boolean recordsAnswered = false;
        try {
            recordsAnswered = handler.handle(message, () -> stopping);
        } catch (RuntimeException e) { // settling failed too (S3 and SQS): the message reappears when its visibility runs out
            LOG.errorf(e, "message %s could not be settled; it comes back when its visibility runs out", message.messageId());
        } finally {
            if (!recordsAnswered) {
                rest(RECORDS_UNAVAILABLE_PAUSE_MS);
            }
            free.release();
        }
    }

    /** Waits (a second at most, to notice a stop) for a free slot. */
    private boolean takeSlot() {
        try {
            return free.tryAcquire(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return false;
        }
    }

    /** Each running job checkpoints and releases its message once it sees {@code stopping}. */
    private void awaitRunningJobs() {
        jobs.shutdown();
        try {
            while (!jobs.awaitTermination(1, TimeUnit.SECONDS)) {
                LOG.debugf("waiting for %d running jobs to stop", busySlots());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the loop to stop: every running job checkpoints and releases its message; waits up to {@code seconds}. */
    boolean stop(long seconds) {
        stopping = true;
        try {
            return stopped.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Taking work: the thread runs and has not been asked to stop. */
    boolean isTakingWork() {
        return running && !stopping;
    }

    /** Alive: running, or stopping as asked. */
    boolean isAlive() {
        return running || stopping;
    }

    int slots() {
        return slots;
    }

    /** Slots taken: a job running or waiting for memory in each, or a message being polled for. */
    int busySlots() {
        return slots - free.availablePermits();
    }

    /** Sleeps {@code millis}, or less when the loop is asked to stop meanwhile. */
    private void rest(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (!stopping && System.nanoTime() < until) {
            sleep(Math.min(100, millis));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
