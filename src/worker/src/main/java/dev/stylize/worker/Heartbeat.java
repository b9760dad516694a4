package dev.stylize.worker;

import dev.stylize.jobs.JobLease;
import dev.stylize.jobs.telemetry.JobLogging;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a message invisible, and its job's lease held, while the job runs, however long that
 * is: every {@code every} seconds both are renewed to {@code extendTo} seconds from now. If
 * the worker dies the renewals stop, and both lapse after at most {@code extendTo} seconds.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Heartbeat.class);
    private final ScheduledFuture<?> task;

    Heartbeat(ScheduledExecutorService scheduler, JobQueue queue, Message message, JobLease lease, int every, int extendTo) {
        // In the job of the thread that starts the heartbeat.
        this.task = scheduler.scheduleAtFixedRate(JobLogging.carried(() -> {
            try {
                queue.setVisibility(message, extendTo);
                lease.renew();
            } catch (RuntimeException e) {
                // A missed beat is survivable (the visibility left is larger than the period); keep beating.
                LOG.warnf("heartbeat failed, will retry: %s", e.getMessage());
            }
        }), every, every, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
