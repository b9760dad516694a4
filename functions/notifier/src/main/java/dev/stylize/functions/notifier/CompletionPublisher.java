package dev.stylize.functions.notifier;

import dev.stylize.jobs.CompletionEvent;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.telemetry.JobLogging;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Publishes one completion event per job, and only for outcomes the service itself wrote: the job
 * must be on record (its status written by the intake), the outcome well-formed and about that
 * job, and no event announced for it yet. Anything else is logged and dropped, once: retrying an
 * object that will never be an outcome only repeats the error.
 */
public class CompletionPublisher {
    private static final Logger LOG = Logger.getLogger(CompletionPublisher.class);

    private final JobLedger ledger;
    private final SnsClient sns;
    private final String topicArn;

    public CompletionPublisher(JobLedger ledger, SnsClient sns, String topicArn) {
        this.ledger = ledger;
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /** @return what was published or dropped, for the function's log and response */
    public String publish(String jobId) {
        try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
            return announce(jobId);
        }
    }

    private String announce(String jobId) {
        Outcome outcome;
        try {
            outcome = ledger.outcome(jobId).orElse(null);
        } catch (UncheckedIOException e) {
            return drop(jobId, "its outcome.json is not an outcome (" + e.getMessage() + ")");
        }
        if (outcome == null) {
            return drop(jobId, "its outcome.json is gone");
        }
        if (!jobId.equals(outcome.jobId()) || !ledger.store().bucket().equals(outcome.bucket()) || outcome.status() == null
                || !outcome.status().isTerminal()) {
            return drop(jobId, "its outcome.json is about " + outcome.jobId() + " in " + outcome.bucket() + " ("
                    + outcome.status() + "), not this job");
        }
        if (ledger.status(jobId).isEmpty()) {
            return drop(jobId, "no such job is on record");
        }
        if (ledger.isAnnounced(jobId)) {
            return drop(jobId, "its completion event was published already");
        }
        CompletionEvent event = CompletionEvent.of(outcome);
        sns.publish(b -> b.topicArn(topicArn)
                .message(Json.compact(event))
                .messageAttributes(Map.of(
                        "status", text(outcome.status().name()),
                        "type", text(event.type()),
                        "jobId", text(outcome.jobId()))));
        // Recorded after publishing: a crash in between publishes twice (subscribers de-duplicate on the id)
        // rather than not at all.
        ledger.announced(jobId, event.id());
        LOG.infof("published %s", event.id());
        return "published " + event.id();
    }

    private static String drop(String jobId, String why) {
        LOG.warnf("no completion event for %s: %s", jobId, why);
        return "dropped " + jobId + ": " + why;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
