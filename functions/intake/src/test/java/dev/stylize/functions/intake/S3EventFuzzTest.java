package dev.stylize.functions.intake;

import dev.stylize.jobs.IntakeSettings;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.store.S3ObjectLinks;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.FuzzChecks;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import io.quarkus.amazon.lambda.runtime.handlers.S3EventInputReader;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The intake function as Lambda runs it, under any event bytes: the body is read as Quarkus's
 * Lambda runtime reads an S3Event, then the handler accepts, rejects or ignores each record and
 * never throws (an in-memory bucket holds a style, a photo and two manifests the fuzzer can name).
 * A body the runtime cannot read fails the invocation before our code runs; Lambda's retries and
 * the failure destination keep it.
 */
class S3EventFuzzTest {
    private static final InMemoryObjectStore BUCKET = new InMemoryObjectStore("stylize-local");
    private static final IntakeHandler HANDLER;
    private static final S3EventInputReader READER = new S3EventInputReader(new ObjectMapper());

    static {
        BUCKET.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");
        BUCKET.write("inbox/swirls/my harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        BUCKET.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        BUCKET.write("jobs/harbour-blend.json", ("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\", "
                + "\"weight\": 0.7}, {\"key\": \"styles/swirls.png\", \"weight\": 0.3}], \"preset\": \"paper\", "
                + "\"options\": {\"steps\": 12}}").getBytes(StandardCharsets.UTF_8), "application/json");
        BUCKET.write("jobs/broken.json", "{\"content\": ".getBytes(StandardCharsets.UTF_8), "application/json");
        SqsClient queue = new SqsClient() {
            @Override
            public SendMessageResponse sendMessage(SendMessageRequest request) {
                return SendMessageResponse.builder().messageId("m").build();
            }

            @Override
            public String serviceName() {
                return "sqs";
            }

            @Override
            public void close() {
            }
        };
        IntakeSettings settings = IntakeSettings.of(Limits.SERVICE, Preset.QUALITY, PlanOptions.of(PlanOptions.CHECKPOINT_EVERY, 100));
        JobLedger ledger = new JobLedger(BUCKET, Clock.systemUTC());
        HANDLER = new IntakeHandler(new IntakeService(ledger, queue, "queue", settings,
                new JobMetrics(EmfWriter.toStandardOutput(JobMetrics.DEFAULT_NAMESPACE)),
                new JobRequests(ledger, new S3ObjectLinks(S3Presigner.builder().region(Region.US_EAST_1)
                        .credentialsProvider(AnonymousCredentialsProvider.create()).build(), "stylize-local"), settings,
                        JobRequests.UPLOAD_WINDOW),
                new UploadDeadlines(queue, "deadlines", JobRequests.UPLOAD_WINDOW)));
    }

    @FuzzTest(maxDuration = "30s")
    void acceptsRejectsOrIgnores(byte[] body) {
        S3Event event;
        try {
            event = READER.readValue(new ByteArrayInputStream(body));
        } catch (IOException | RuntimeException unreadable) {
            return; // the runtime's, before the handler: the invocation fails and is kept by its destination
        }
        String said = HANDLER.handleRequest(event, null);
        FuzzChecks.require(said != null, "the handler says what it did");
    }
}
