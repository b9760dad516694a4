package dev.stylize.functions.intake;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.stream.Collectors;

/** S3 ObjectCreated on {@code inbox/} or {@code jobs/*.json}: one job (or one rejection) per object. */
@Named("intake")
public class IntakeHandler implements RequestHandler<S3Event, String> {
    private final IntakeService service;

    @Inject
    public IntakeHandler(IntakeService service) {
        this.service = service;
    }

    @Override
    public String handleRequest(S3Event event, Context context) {
        if (event == null || event.getRecords() == null) {
            return "ignored: an event without records";
        }
        return event.getRecords().stream().map(service::accept).collect(Collectors.joining("\n"));
    }
}
