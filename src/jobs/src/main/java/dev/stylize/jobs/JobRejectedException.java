package dev.stylize.jobs;

/**
 * An upload or manifest that cannot become a job. The message is the REJECTED outcome's
 * reason: specific, and written for the person who uploaded.
 */
public class JobRejectedException extends RuntimeException {
    public JobRejectedException(String message) {
        super(message);
    }
}
