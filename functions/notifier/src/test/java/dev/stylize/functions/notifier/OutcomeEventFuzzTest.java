package dev.stylize.functions.notifier;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.jobs.testing.FuzzChecks;
import io.quarkus.amazon.lambda.runtime.handlers.S3EventInputReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The notifier as Lambda runs it, under any S3 event bytes: each record is announced, or dropped
 * with a reason, and the handler never throws (a body Quarkus's runtime cannot read fails the
 * invocation before our code runs; the failure destination keeps it).
 */
class OutcomeEventFuzzTest {
    private static final S3EventInputReader READER = new S3EventInputReader(new ObjectMapper());
    private static final NotifierHandler HANDLER = new NotifierHandler(
            new CompletionPublisher(NotifierFakes.LEDGER, NotifierFakes.TOPIC, "arn:aws:sns:us-east-1:123456789012:t"));

    @FuzzTest(maxDuration = "30s")
    void announcesOrDrops(byte[] body) {
        S3Event event;
        try {
            event = READER.readValue(new ByteArrayInputStream(body));
        } catch (IOException | RuntimeException unreadable) {
            return;
        }
        FuzzChecks.require(HANDLER.handleRequest(event, null) != null, "the handler says what it did");
    }
}
