package dev.stylize.worker;

import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The worker's one loop, on its own thread: take a job message, hand it over, take the next.
 * One job at a time per process (one per GPU). Outages of S3 or SQS while polling are waited
 * out: an unsettled message reappears when its visibility runs out, so nothing is lost.
 */
final class JobLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(JobLoop.class);

    private final JobQueue queue;
    private final MessageHandler handler;
    private final int pollWaitSeconds;
    private final int visibilitySeconds;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean running;

    JobLoop(JobQueue queue, MessageHandler handler, int pollWaitSeconds, int visibilitySeconds) {
        this.queue = queue;
        this.handler = handler;
        this.pollWaitSeconds = pollWaitSeconds;
        this.visibilitySeconds = visibilitySeconds;
    }

    @Override
    public void run() {
        running = true;
        try {
            int failures = 0;
            while (!stopping) {
                try {
                    Optional<Message> message = queue.receive(pollWaitSeconds, visibilitySeconds);
                    message.ifPresent(m -> handler.handle(m, () -> stopping));
                    failures = 0;
                } catch (RuntimeException e) {
                    failures++;
                    long pause = Math.min(30_000L, 500L << Math.min(6, failures));
                    LOG.warnf("polling failed (%d in a row), retrying in %d ms: %s", failures, pause, e.getMessage());
                    sleep(pause);
                }
            }
        } finally {
            running = false;
            stopped.countDown();
        }
    }

    /** Asks the loop to stop: the running job checkpoints and releases its message; waits up to {@code seconds}. */
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
