package dev.stylize.functions.notifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.stylize.jobs.telemetry.JobLogging;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Messages from the job dead-letter queue. Each is handled on its own: one that cannot be
 * recorded now goes back to the queue alone (partial batch response), the rest are done.
 */
@Named("dead-letters")
public class DeadLetterHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = Logger.getLogger(DeadLetterHandler.class);
    private final DeadLetterService service;

    @Inject
    public DeadLetterHandler(DeadLetterService service) {
        this.service = service;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return new SQSBatchResponse(failures);
        }
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            if (message == null) {
                continue;
            }
            // The job's id on every line about it, the failure's included.
            try (JobLogging.Scope ignored = JobLogging.forJob(DeadLetterService.jobIdOf(message.getBody()))) {
                if (!recorded(message)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
        }
        return new SQSBatchResponse(failures);
    }

    private boolean recorded(SQSEvent.SQSMessage message) {
        try {
            service.fail(message.getBody(), receiveCount(message));
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "dead letter %s not recorded, retried later", message.getMessageId());
            return false;
        }
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        String count = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 0 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
