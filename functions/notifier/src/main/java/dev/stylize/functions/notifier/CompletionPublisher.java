package dev.stylize.functions.notifier;

import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.telemetry.JobLogging;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.util.Map;

/** Publishes one completion event per outcome object. */
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

    /** @return what was published, for the function's log and response */
    public String publish(String jobId) {
        try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
            return announce(jobId);
        }
    }

    private String announce(String jobId) {
        Outcome outcome = ledger.outcome(jobId)
                .orElseThrow(() -> new IllegalStateException("the outcome of " + jobId + " is gone: nothing to announce"));
        CompletionEvent event = CompletionEvent.of(outcome);
        sns.publish(b -> b.topicArn(topicArn)
                .message(Json.compact(event))
                .messageAttributes(Map.of(
                        "status", text(outcome.status().name()),
                        "type", text(event.type()),
                        "jobId", text(outcome.jobId()))));
        LOG.infof("published %s", event.id());
        return "published " + event.id();
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
