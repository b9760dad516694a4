package dev.stylize.functions.notifier;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.telemetry.JobMetrics;
import org.jboss.logging.Logger;

/**
 * A job message that exhausted the queue's receive count ends as a FAILED outcome, which in
 * turn produces the completion event: nothing leaves the system silently.
 */
public class DeadLetterService {
    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);

    private final JobLedger ledger;
    private final JobMetrics metrics;

    public DeadLetterService(JobLedger ledger, JobMetrics metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    /** The job a dead letter names, if it names a valid one: the handler's logging context. */
    public static String jobIdOf(String body) {
        try {
            String jobId = Json.read(body, JobMessage.class).jobId();
            return jobId != null && JobLayout.isValidJobId(jobId) ? jobId : null;
        } catch (RuntimeException e) {
            return null;
        }
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
        String jobId = message.jobId();
        if (jobId == null || !JobLayout.isValidJobId(jobId)) {
            LOG.errorf("dead letter names no valid job: %s", body);
            return "dead letter names no valid job: " + body;
        }
        if (ledger.hasEnded(jobId)) {
            return "already ended " + jobId;
        }
        String lastError = ledger.status(jobId).map(JobStatus::lastError).orElse(null);
        String reason = "gave up after " + receiveCount + " attempts" + (lastError == null ? "" : "; last error: " + lastError);
        String now = ledger.now();
        Outcome outcome = ledger.job(jobId)
                .map(job -> Outcome.failed(job, JobState.FAILED, reason, null, now))
                .orElseGet(() -> Outcome.failed(Job.missing(jobId, ledger.store().bucket()), JobState.FAILED,
                        reason + " (job record missing)", null, now));
        if (ledger.end(outcome)) {
            metrics.ended(jobId, JobState.FAILED, reason);
        }
        LOG.warnf("failed %s: %s", jobId, reason);
        return "failed " + jobId + ": " + reason;
    }
}
