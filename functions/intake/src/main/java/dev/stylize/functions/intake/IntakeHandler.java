package dev.stylize.functions.intake;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.stylize.jobs.events.S3EventNotification;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.stream.Collectors;

/** S3 ObjectCreated on {@code inbox/} or {@code jobs/*.json}: one job (or one rejection) per object. */
@Named("intake")
public class IntakeHandler implements RequestHandler<S3EventNotification, String> {
    private final IntakeService service;

    @Inject
    public IntakeHandler(IntakeService service) {
        this.service = service;
    }

    @Override
    public String handleRequest(S3EventNotification event, Context context) {
        return event.recordsOrEmpty().stream().map(service::accept).collect(Collectors.joining("\n"));
    }
}
