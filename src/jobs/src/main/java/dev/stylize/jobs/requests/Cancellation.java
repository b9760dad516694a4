package dev.stylize.jobs.requests;

import dev.stylize.jobs.JobState;

/** What became of an owner's request to cancel a job. */
public sealed interface Cancellation {
    /** No such job, or not the caller's: the same answer, so that nobody learns of another's jobs. */
    record NotFound() implements Cancellation {
    }

    /** The job had ended already; its outcome stands. */
    record AlreadyEnded(JobState state, String reason) implements Cancellation {
    }

    /** Recorded: the job ends CANCELLED, at once if no worker holds it, else at its worker's next step. */
    record Accepted() implements Cancellation {
    }
}
