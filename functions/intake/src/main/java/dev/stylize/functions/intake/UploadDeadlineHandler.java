package dev.stylize.functions.intake;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.telemetry.JobLogging;
import dev.stylize.jobs.telemetry.JobMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Upload deadlines ({@link UploadDeadlines}): a request whose photo has not come ends EXPIRED. Each
 * message on its own; one that cannot be settled now goes back to the queue alone.
 */
@Named("upload-deadlines")
public class UploadDeadlineHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = Logger.getLogger(UploadDeadlineHandler.class);
    private final JobRequests requests;
    private final JobMetrics metrics;

    @Inject
    public UploadDeadlineHandler(IntakeService intake) {
        this.requests = intake.requests();
        this.metrics = intake.metrics();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return new SQSBatchResponse(failures);
        }
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            String jobId;
            try {
                jobId = Json.read(message.getBody(), JobMessage.class).jobId();
            } catch (RuntimeException e) {
                LOG.errorf("not an upload deadline, dropped: %s", message.getBody());
                continue;
            }
            try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
                requests.expireUnlessUploaded(jobId).ifPresent(outcome -> {
                    metrics.ended(jobId, JobState.EXPIRED, outcome.reason());
                    LOG.infof("%s EXPIRED: %s", jobId, outcome.reason());
                });
            } catch (RuntimeException e) {
                LOG.errorf(e, "upload deadline of %s not settled, retried later", jobId);
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
