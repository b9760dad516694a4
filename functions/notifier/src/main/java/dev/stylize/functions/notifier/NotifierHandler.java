package dev.stylize.functions.notifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.stylize.jobs.events.S3EventNotification;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.stream.Collectors;

/** S3 ObjectCreated on {@code results/<jobId>/outcome.json}: one completion event per outcome. */
@Named("notifier")
public class NotifierHandler implements RequestHandler<S3EventNotification, String> {
    private final CompletionPublisher publisher;

    @Inject
    public NotifierHandler(CompletionPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public String handleRequest(S3EventNotification event, Context context) {
        return event.recordsOrEmpty().stream()
                .filter(S3EventNotification.Record::isObjectCreated)
                .map(S3EventNotification.Record::key)
                .filter(key -> key.endsWith("/outcome.json"))
                .map(publisher::publish)
                .collect(Collectors.joining("\n"));
    }
}
