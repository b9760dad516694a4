package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Json;
import dev.stylize.local.template.Template;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline test runs the packages as deployed, so a packaging mistake fails it: the same
 * check that {@link PipelineEndToEndTest} passes (a rejected upload announced on the topic)
 * fails here, and the failed event waits in the failed-events queue with the runtime's error.
 */
class PackagingMistakeTest {
    private static final Duration SHORT = Duration.ofSeconds(15);

    @Test
    void aWrongHandlerNameInTheNotifierPackagesEnvironmentFailsTheEndToEndCheck() {
        // Only the two-handler notifier package consults QUARKUS_LAMBDA_HANDLER; a typo stops Quarkus at init.
        try (TestStack t = new TestStack("bad-name").startFunctions(o -> o.retryBaseDelay(Duration.ofMillis(200))
                .environment("NotifierFunction", Map.of("QUARKUS_LAMBDA_HANDLER", "notifer")))) {
            assertThrows(AssertionError.class, () -> PipelineEndToEndTest.assertATextFileIsRejectedAndAnnounced(t, "memo", SHORT));
            JsonNode record = awaitFailedEvent(t);
            assertTrue(record.at("/requestContext/functionArn").asText().endsWith(":function:NotifierFunction:live"), record.toString());
            assertEquals("RetriesExhausted", record.at("/requestContext/condition").asText());
            assertEquals(3, record.at("/requestContext/approximateInvokeCount").asInt());
            assertEquals("Quarkus manual initialization failed", record.at("/responsePayload/errorMessage").asText(), record.toString());
        }
    }

    @Test
    void aWrongHandlerClassInTheTemplateFailsTheEndToEndCheck() throws IOException {
        Path copy = Files.createTempFile("template-", ".yaml");
        Files.writeString(copy, Files.readString(TestStack.TEMPLATE).replace(
                "Handler: io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest",
                "Handler: io.quarkus.amazon.lambda.runtime.QuarkusStreamHandlr::handleRequest"));
        try (TestStack t = new TestStack("bad-class", Template.read(copy, TestStack.HOME))
                .startFunctions(o -> o.retryBaseDelay(Duration.ofMillis(200)))) {
            assertThrows(AssertionError.class, () -> PipelineEndToEndTest.assertATextFileIsRejectedAndAnnounced(t, "memo", SHORT));
            JsonNode record = awaitFailedEvent(t);
            assertTrue(record.at("/requestContext/functionArn").asText().endsWith(":function:IntakeFunction:live"), record.toString());
            assertEquals("java.lang.ClassNotFoundException", record.at("/responsePayload/errorType").asText(), record.toString());
            assertEquals("inbox/swirls/memo.jpg", record.at("/requestPayload/Records/0/s3/object/key").asText()
                    .replace("%2F", "/"), "the record carries the original S3 event");
        }
    }

    private static JsonNode awaitFailedEvent(TestStack t) {
        TestStack.await("a record in the failed-events queue", () -> t.messages(t.failedEventsUrl(), "ApproximateNumberOfMessages") > 0,
                Duration.ofSeconds(30), t::functionLogs);
        List<Message> messages = t.sqs.receiveMessage(b -> b.queueUrl(t.failedEventsUrl()).maxNumberOfMessages(10)).messages();
        assertEquals(1, messages.size(), "one failed event");
        return Json.read(messages.get(0).body(), JsonNode.class);
    }
}
