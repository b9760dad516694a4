package dev.stylize.worker;

import dev.stylize.engine.OptimizationDivergedException;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.plan.InvalidInputException;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * What becomes of a job's message, and the one place the worker decides to retry or to give up. Each message
 * ends in exactly one of: deleted (the job ended, here or elsewhere), released at once (this
 * worker is stopping; a checkpoint was written), or delayed (a transient error: exponential
 * backoff; after the queue's maxReceiveCount it moves to the dead-letter queue, whose handler
 * fails the job).
 */
final class Settlement {
    private static final Logger LOG = Logger.getLogger(Settlement.class);

    private final JobQueue queue;
    private final JobLedger ledger;
    private final int retryBaseSeconds;
    private final int retryMaxSeconds;
    private final int visibilitySeconds;
    private final JobMetrics metrics;

    Settlement(JobQueue queue, JobLedger ledger, int retryBaseSeconds, int retryMaxSeconds, int visibilitySeconds,
               JobMetrics metrics) {
        this.queue = queue;
        this.ledger = ledger;
        this.retryBaseSeconds = retryBaseSeconds;
        this.retryMaxSeconds = retryMaxSeconds;
        this.visibilitySeconds = visibilitySeconds;
        this.metrics = metrics;
    }

    /** The job has ended (here, or in a duplicate delivery): its message is done. */
    void done(Message message) {
        queue.delete(message);
    }

    /** This worker is stopping and checkpointed: another worker resumes the job now. */
    void release(Message message) {
        queue.setVisibility(message, 0);
    }

    /** Another worker runs the job: look again when its lease would lapse. */
    void heldElsewhere(Message message, Duration remaining) {
        queue.setVisibility(message, (int) Math.min(visibilitySeconds, remaining.toSeconds() + 1));
    }

    /**
     * What a run's error means, decided here and only here: I/O, throttling and service errors are
     * transient (retried with backoff); everything else (the input, the options, a job too large for
     * the device, a diverging loss, the engine, an allocation that does not fit, also when an I/O
     * layer wraps it) fails the job at once, since retrying gives the same answer; input errors and
     * divergence with their own message, anything else as "the job failed: …". A worker that is
     * stopping hands the job over whatever the error.
     */
    void failed(Message message, Job job, int attempt, Throwable error, boolean stopping) {
        Optional<String> outOfMemory = OutOfMemory.reason(error);
        if (stopping || (outOfMemory.isEmpty() && isTransient(error))) {
            retry(message, job.jobId(), attempt, error, stopping);
        } else if (error instanceof PermanentJobFailure failure) {
            fail(message, job, failure);
        } else if (error instanceof InvalidInputException || error instanceof OptimizationDivergedException) {
            fail(message, job, new PermanentJobFailure(error.getMessage(), error)); // says why in the user's words
        } else {
            LOG.errorf(error, "job %s failed", job.jobId());
            fail(message, job, new PermanentJobFailure(outOfMemory.orElseGet(() -> "the job failed: " + error.getMessage()),
                    error));
        }
    }

    static boolean isTransient(Throwable error) {
        return error instanceof SdkException || error instanceof UncheckedIOException;
    }

    /** Retrying cannot help: the job ends now with the failure's status and reason. */
    void fail(Message message, Job job, PermanentJobFailure failure) {
        if (ledger.end(Outcome.failed(job, failure.status(), failure.getMessage(), null, ledger.now()))) {
            metrics.ended(job.jobId(), failure.status(), failure.getMessage());
        }
        // A job its owner cancelled, or one that waited out its time to live, is no error of the service's.
        LOG.logf(failure.status() == JobState.CANCELLED || failure.status() == JobState.EXPIRED ? Logger.Level.INFO
                : Logger.Level.ERROR, "job %s %s: %s", job.jobId(), failure.status(), failure.getMessage());
        queue.delete(message);
    }

    /**
     * A transient error: the job goes back to the queue, later each time (or at once when this
     * worker is stopping, so another takes it), with the error on record for the dead-letter outcome.
     */
    private void retry(Message message, String jobId, int attempt, Throwable error, boolean stopping) {
        int delay = stopping ? 0 : backoff(attempt);
        LOG.warnf(error, "job %s attempt %d failed; retrying in %d s", jobId, attempt, delay);
        try {
            ledger.retrying(jobId, attempt, error.getClass().getSimpleName() + ": " + error.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf("could not record the error of job %s: %s", jobId, e.getMessage());
        }
        queue.setVisibility(message, delay);
    }

    /** A message that is not a job message: not ours to drop, so back it goes, late, until the dead-letter queue takes it. */
    void unreadable(Message message, int attempt) {
        LOG.errorf("message %s is not a job message: %s", message.messageId(), message.body());
        queue.setVisibility(message, backoff(attempt));
    }

    /**
     * The job's records could not be read or written (S3 failing): the message comes back after
     * the backoff. If SQS fails too, it comes back when its visibility runs out; nothing is lost.
     */
    void recordsUnavailable(Message message, String jobId, int attempt, RuntimeException error) {
        int delay = backoff(attempt);
        LOG.warnf("the records of job %s could not be read or written; its message comes back in %d s: %s",
                jobId, delay, error.getMessage());
        try {
            queue.setVisibility(message, delay);
        } catch (RuntimeException e) {
            LOG.warnf("could not delay the message of job %s (it comes back when its visibility runs out): %s",
                    jobId, e.getMessage());
        }
    }

    /** base * 2^(attempt-1) seconds, at most the maximum. */
    int backoff(int attempt) {
        long delay = (long) retryBaseSeconds << Math.min(20, Math.max(0, attempt - 1));
        return (int) Math.min(retryMaxSeconds, delay);
    }
}
