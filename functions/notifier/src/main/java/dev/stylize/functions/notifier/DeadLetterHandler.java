package dev.stylize.functions.notifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.stylize.jobs.events.SqsEvent;
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
public class DeadLetterHandler implements RequestHandler<SqsEvent, SqsEvent.BatchResponse> {
    private static final Logger LOG = Logger.getLogger(DeadLetterHandler.class);
    private final DeadLetterService service;

    @Inject
    public DeadLetterHandler(DeadLetterService service) {
        this.service = service;
    }

    @Override
    public SqsEvent.BatchResponse handleRequest(SqsEvent event, Context context) {
        List<SqsEvent.ItemFailure> failures = new ArrayList<>();
        for (SqsEvent.Message message : event.records()) {
            try {
                service.fail(message.body(), message.receiveCount());
            } catch (RuntimeException e) {
                LOG.errorf(e, "dead letter %s not recorded, retried later", message.messageId());
                failures.add(new SqsEvent.ItemFailure(message.messageId()));
            }
        }
        return new SqsEvent.BatchResponse(failures);
    }
}
