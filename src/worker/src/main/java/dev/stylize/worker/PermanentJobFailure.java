package dev.stylize.worker;

import dev.stylize.jobs.JobState;

/**
 * The job cannot succeed however often it is retried (an input deleted, a corrupt style, the
 * optimisation diverging): it ends at once instead of going round the queue. Its status is
 * FAILED, or REJECTED when the upload itself turns out unusable (a truncated JPEG, which only
 * decoding reveals), EXPIRED when it was not started within its time to live, or CANCELLED
 * by its owner.
 */
public class PermanentJobFailure extends RuntimeException {
    private final JobState status;

    public PermanentJobFailure(String message, Throwable cause) {
        this(JobState.FAILED, message, cause);
    }

    public PermanentJobFailure(String message) {
        this(JobState.FAILED, message, null);
    }

    public PermanentJobFailure(JobState status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public JobState status() {
        return status;
    }
}
