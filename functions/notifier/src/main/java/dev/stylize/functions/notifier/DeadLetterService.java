package dev.stylize.functions.notifier;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Optional;

/**
 * A job message that exhausted the queue's receive count ends as a FAILED outcome, which in
 * turn produces the completion event: nothing leaves the system silently.
 */
public class DeadLetterService {
    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);

    private final JobStore store;
    private final Clock clock;

    public DeadLetterService(JobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return what was done, for the function's log and response */
    public String fail(String body, int receiveCount) {
        JobMessage message;
        try {
            message = Json.read(body, JobMessage.class);
        } catch (RuntimeException e) {
            LOG.errorf("dead letter is not a job message, dropped after logging: %s", body);
            return "unreadable dead letter: " + body;
        }
        if (message.jobId() == null || !JobLayout.isSafeKey(message.jobId()) || message.jobId().contains("/")) {
            LOG.errorf("dead letter names no valid job: %s", body);
            return "dead letter names no valid job: " + body;
        }
        String jobId = message.jobId();
        if (store.exists(JobLayout.outcomeKey(jobId))) {
            return "already ended " + jobId;
        }
        String lastError = store.readJson(JobLayout.statusKey(jobId), JobStatus.class)
                .map(JobStatus::lastError).orElse(null);
        String reason = "gave up after " + receiveCount + " attempts"
                + (lastError == null ? "" : "; last error: " + lastError);
        String now = clock.instant().toString();
        Optional<Job> job = store.readJson(JobLayout.jobKey(jobId), Job.class);
        Outcome outcome = job.map(j -> Outcome.failed(j, reason, null, now))
                .orElseGet(() -> new Outcome(jobId, store.bucket(), JobState.FAILED, reason + " (job record missing)",
                        null, null, null, null, null, null, null, null, null, new Outcome.Timings(null, null, now, null)));
        if (store.createJson(JobLayout.outcomeKey(jobId), outcome)) {
            store.writeJson(JobLayout.statusKey(jobId), new JobStatus(jobId, JobState.FAILED, null, null, null, null,
                    null, null, null, null, receiveCount, reason, null, now));
        }
        LOG.warnf("failed %s: %s", jobId, reason);
        return "failed " + jobId + ": " + reason;
    }
}
