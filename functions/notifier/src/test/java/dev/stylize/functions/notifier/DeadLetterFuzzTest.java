package dev.stylize.functions.notifier;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.FuzzChecks;

import java.io.IOException;

/**
 * The dead-letter handler as Lambda runs it, under any SQS event bytes (read as Quarkus's Lambda
 * runtime reads them: case-insensitive names, unknown fields ignored): every letter ends its job
 * FAILED, or is dropped with a log line, and none is handed back to the queue, which would
 * redeliver it forever: only a store error may do that.
 */
class DeadLetterFuzzTest {
    private static final ObjectMapper QUARKUS_LIKE = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final DeadLetterHandler HANDLER = new DeadLetterHandler(new DeadLetterService(NotifierFakes.LEDGER,
            new JobMetrics(EmfWriter.toStandardOutput(JobMetrics.DEFAULT_NAMESPACE))));

    @FuzzTest(maxDuration = "30s")
    void failsJobsOrDropsLetters(byte[] body) {
        SQSEvent event;
        try {
            event = QUARKUS_LIKE.readValue(body, SQSEvent.class);
        } catch (IOException | RuntimeException unreadable) {
            return;
        }
        SQSBatchResponse response = HANDLER.handleRequest(event, null);
        FuzzChecks.require(response != null && response.getBatchItemFailures().isEmpty(),
                "no letter goes back to the queue over its content: " + response);
    }
}
