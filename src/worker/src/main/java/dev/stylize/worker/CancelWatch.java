package dev.stylize.worker;

import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.telemetry.JobLogging;
import org.jboss.logging.Logger;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Learns, off the step path, that a running job's owner cancelled it: asks the ledger every few
 * seconds, and the run, which asks this before every step, stops at its next one.
 */
final class CancelWatch implements AutoCloseable, BooleanSupplier {
    static final int EVERY_SECONDS = 2;
    private static final Logger LOG = Logger.getLogger(CancelWatch.class);

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final ScheduledFuture<?> task;

    CancelWatch(ScheduledExecutorService scheduler, JobLedger ledger, String jobId) {
        this.task = scheduler.scheduleWithFixedDelay(() -> {
            try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
                if (!cancelled.get() && ledger.cancelRequested(jobId)) {
                    LOG.infof("job %s: cancelled by its owner; stopping at the next step", jobId);
                    cancelled.set(true);
                }
            } catch (RuntimeException e) {
                // S3 failing: asked again at the next beat
            }
        }, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /** Whether the job's owner has cancelled it. */
    @Override
    public boolean getAsBoolean() {
        return cancelled.get();
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
