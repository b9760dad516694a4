package dev.stylize.jobs.requests;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;

import java.util.Optional;

/**
 * Cancelling a job, whoever asks (its owner through the API; with bucket rights, the console): the
 * wish is recorded at {@link JobLayout#cancelKey}, and carried out where it can be at once (a job
 * that waits for its photo or in the queue ends CANCELLED), else by the job's worker, which stops at
 * its next step. The one owner of {@code requests/<jobId>/cancel.json}.
 */
public final class JobCancellations {
    public static final String CANCELLED = "cancelled by its owner";

    private final JobLedger ledger;

    public JobCancellations(JobLedger ledger) {
        this.ledger = ledger;
    }

    /** The record of a cancellation: who asked, when. */
    private record CancelRequest(String by, String at) {
    }

    /**
     * Records the wish to cancel a job that exists (asked for, or recorded).
     *
     * @param by who asked, for the record
     */
    public Cancellation request(String jobId, String by) {
        Optional<Outcome> ended = ledger.outcome(jobId);
        if (ended.isPresent()) {
            return new Cancellation.AlreadyEnded(ended.get().status(), ended.get().reason());
        }
        ledger.store().create(JobLayout.cancelKey(jobId), Json.write(new CancelRequest(by, ledger.now())), "application/json");
        return new Cancellation.Accepted();
    }

    /**
     * Carries out a cancellation where no worker holds the job: one waiting for its photo or in the
     * queue ends CANCELLED now (a worker that receives it later finds it ended). A running job is
     * left to its worker.
     *
     * @return the outcome, if this call ended the job
     */
    public Optional<Outcome> endUnlessRunning(String jobId) {
        if (!ledger.cancelRequested(jobId) || ledger.hasEnded(jobId)
                || ledger.status(jobId).map(s -> s.state() == JobState.RUNNING).orElse(false)) {
            return Optional.empty();
        }
        Optional<Job> job = ledger.job(jobId);
        Outcome outcome = job.map(j -> Outcome.failed(j, JobState.CANCELLED, CANCELLED, null, ledger.now()))
                .orElseGet(() -> Outcome.unrecorded(jobId, ledger.store().bucket(), JobState.CANCELLED,
                        JobLayout.requestKey(jobId), CANCELLED, ledger.now()));
        boolean ended = job.isPresent() ? ledger.end(outcome) : ledger.endUnrecorded(outcome);
        return ended ? Optional.of(outcome) : Optional.empty();
    }
}
