package dev.stylize.console;

import dev.stylize.jobs.CompletionEvent;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;

import java.util.List;

/** What the page shows of jobs, as JSON. Images are named by key; the page fetches them through the console. */
final class JobView {
    private JobView() {
    }

    /** An image in the bucket; {@code etag} (when known) lets the browser cache it for good. */
    record ImageRef(String key, String etag) {
    }

    record Style(String key, String name, double weight) {
    }

    /**
     * One line of the jobs list.
     *
     * @param state   the outcome's status once there is one, else status.json's
     * @param size    the result's longest side, from the job's plan
     * @param reason  why a REJECTED or FAILED job ended so
     * @param notes   what to know about the run (a checkpoint skipped, …), from the outcome or the status
     * @param workerLostAt when a RUNNING job's worker lease lapsed (it resumes when its message reappears)
     */
    record Summary(String jobId, JobState state, Integer step, Integer totalSteps, Double etaSeconds, String preset,
                   Integer size, String photo, List<Style> styles, ImageRef result, ImageRef latestCheckpoint,
                   String reason, List<String> notes, String workerLostAt, String createdAt, String updatedAt) {
    }

    record Checkpoint(int step, ImageRef image) {
    }

    /**
     * A job page: its summary, every checkpoint, and the bucket's documents as they are.
     *
     * @param cancelRequested someone cancelled the job and it has not ended yet
     */
    record Detail(Summary summary, List<Checkpoint> checkpoints, Job job, JobStatus status, Outcome outcome,
                  CompletionEvent event, boolean cancelRequested) {
    }

    /** A style of the library. */
    record LibraryStyle(String name, String key, String etag) {
    }
}
