package dev.stylize.functions.notifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.stylize.jobs.JobLayout;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.Optional;
import java.util.stream.Collectors;

/** S3 ObjectCreated on {@code results/<jobId>/outcome.json}: one completion event per outcome. */
@Named("notifier")
public class NotifierHandler implements RequestHandler<S3Event, String> {
    private final CompletionPublisher publisher;

    @Inject
    public NotifierHandler(CompletionPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public String handleRequest(S3Event event, Context context) {
        if (event == null || event.getRecords() == null) {
            return "ignored: an event without records";
        }
        return event.getRecords().stream()
                .filter(r -> r != null && r.getEventName() != null && r.getEventName().startsWith("ObjectCreated:"))
                .filter(r -> r.getS3() != null && r.getS3().getObject() != null)
                .map(r -> Optional.ofNullable(JobLayout.decodeEventKey(r.getS3().getObject().getKey()))
                        .flatMap(JobLayout::outcomeJobId))
                .flatMap(Optional::stream)
                .map(publisher::publish)
                .collect(Collectors.joining("\n"));
    }
}
