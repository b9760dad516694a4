package dev.stylize.worker;

/**
 * The job cannot succeed however often it is retried (an input deleted, a corrupt style, the
 * optimisation diverging): it ends FAILED at once instead of going round the queue.
 */
public class PermanentJobFailure extends RuntimeException {
    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public PermanentJobFailure(String message) {
        super(message);
    }
}
