package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.engine.TestWeights;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.functions.intake.IntakeSettings;
import dev.stylize.jobs.JobLayout;
import dev.stylize.plan.PlanOptions;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.images.ImageDecoder;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline on this machine: the emulator process, S3 notifications to the local
 * runner and the real handler classes, the packaged worker process on CPU with generated
 * weights, completion events received through an SQS subscription to the topic.
 */
class PipelineEndToEndTest {
    private static MotoServer moto;
    private static StackResources stack;
    private static ObjectStore store;
    private static JobLedger ledger;
    private static SqsClient sqs;
    private static String subscriber;
    private static LocalRunner runner;
    private static WorkerProcess worker;
    private static final Map<String, JsonNode> events = new HashMap<>();
    private static Thread forwarder;
    private static volatile boolean forwarding = true;

    @BeforeAll
    static void startPipeline() throws IOException {
        moto = MotoServer.start();
        stack = StackResources.ensure(moto.clients(), LocalNames.withPrefix("e2e"));
        store = new S3ObjectStore(moto.clients().s3(), stack.names().bucket());
        ledger = new JobLedger(store, java.time.Clock.systemUTC());
        sqs = moto.clients().sqs();
        subscriber = sqs.createQueue(b -> b.queueName("e2e-subscriber")).queueUrl();
        moto.clients().sns().subscribe(b -> b.topicArn(stack.topicArn()).protocol("sqs")
                .endpoint(StackResources.arn(sqs, subscriber)));

        store.write("models/vgg19-synthetic.safetensors", Files.readAllBytes(TestWeights.file()), "application/octet-stream");
        store.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");

        // S3 delivers events at least once: a forwarder between the notification queue and the
        // runner delivers the event of every "twice" upload three times.
        String tap = sqs.createQueue(b -> b.queueName("e2e-intake-tap")).queueUrl();
        forwarder = new Thread(() -> forward(stack.intakeEventsUrl(), tap), "duplicating-forwarder");
        forwarder.setDaemon(true);
        forwarder.start();
        StackResources tapped = new StackResources(stack.names(), stack.jobQueueUrl(), stack.deadLetterQueueUrl(),
                stack.topicArn(), tap, stack.outcomeEventsUrl());
        runner = new LocalRunner(moto.clients(), tapped, new IntakeSettings(IntakeSettings.DEFAULT_MAX_UPLOAD_BYTES,
                ImageDecoder.DEFAULT_MAX_PIXELS, Preset.SEED, PlanOptions.of(PlanOptions.STEPS, 6).with(PlanOptions.MAX_SIZE, 48)
                .with(PlanOptions.CHECKPOINT_EVERY, 3)));
        worker = WorkerProcess.start(Map.of(
                "STYLIZE_BUCKET", stack.names().bucket(),
                "STYLIZE_JOB_QUEUE_URL", stack.jobQueueUrl(),
                "STYLIZE_AWS_ENDPOINT", moto.endpoint().toString(),
                "STYLIZE_WEIGHTS", "s3://" + stack.names().bucket() + "/models/vgg19-synthetic.safetensors",
                "STYLIZE_WEIGHTS_SHA256", WeightsSource.digest(TestWeights.file()),
                "STYLIZE_CACHE_DIR", Files.createTempDirectory("worker-cache").toString(),
                "STYLIZE_POLL_WAIT_SECONDS", "1",
                // The other worker tests run float32; this one runs the bf16 graph end to end.
                "STYLIZE_PRECISION", "bf16"));
    }

    private static void forward(String from, String to) {
        while (forwarding) {
            try {
                sqs.receiveMessage(b -> b.queueUrl(from).waitTimeSeconds(1).maxNumberOfMessages(10)).messages().forEach(m -> {
                    int copies = m.body().contains("inbox/swirls/twice.png") ? 3 : 1;
                    for (int i = 0; i < copies; i++) {
                        sqs.sendMessage(b -> b.queueUrl(to).messageBody(m.body()));
                    }
                    sqs.deleteMessage(b -> b.queueUrl(from).receiptHandle(m.receiptHandle()));
                });
            } catch (RuntimeException e) {
                if (forwarding) {
                    sleep(Duration.ofMillis(500));
                }
            }
        }
    }

    @AfterAll
    static void stopPipeline() {
        forwarding = false;
        if (worker != null) {
            worker.close();
        }
        if (runner != null) {
            runner.close();
        }
        moto.close();
    }

    @Test
    void anInboxPhotoEndsSucceededWithResultCheckpointsAndEvent() throws IOException {
        store.write("inbox/swirls/harbour at dusk.png", Examples.bytes(Examples.PHOTO), "image/png");
        Outcome outcome = awaitOutcome("harbour-at-dusk-");
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        assertResultImage(outcome, 48, 32);
        assertTrue(store.exists(JobLayout.checkpointStateKey(outcome.jobId(), 3)), "checkpoint at step 3");
        assertTrue(store.exists(JobLayout.checkpointImageKey(outcome.jobId(), 3)));
        JsonNode event = awaitEvent(outcome.jobId());
        assertEquals("dev.stylize.job.succeeded", event.get("type").asText());
        assertEquals(6, event.at("/data/steps").asInt());
        assertEquals("generated", event.at("/data/weights").asText());
    }

    @Test
    void aManifestEndsSucceededWithItsOptions() throws IOException {
        store.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        store.write("jobs/blend.json", """
                {"content": "uploads/harbour.png", "styles": [{"name": "swirls", "weight": 2}, {"key": "styles/swirls.png"}],
                 "preset": "paper", "options": {"steps": 4, "maxSize": 40, "init": "content"}}""".getBytes(StandardCharsets.UTF_8),
                "application/json");
        Outcome outcome = awaitOutcome("blend-");
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        assertEquals(4, outcome.steps());
        assertResultImage(outcome, 40, 27);
        assertEquals("jobs/blend.json", awaitEvent(outcome.jobId()).at("/data/inputs/source").asText());
    }

    @Test
    void aTextFileNamedJpgEndsRejectedWithAnEventSayingWhy() {
        store.write("inbox/swirls/notes.jpg", "this is not a photo".getBytes(StandardCharsets.UTF_8), "image/jpeg");
        Outcome outcome = awaitOutcome("notes-");
        assertEquals(JobState.REJECTED, outcome.status());
        JsonNode event = awaitEvent(outcome.jobId());
        assertEquals("dev.stylize.job.rejected", event.get("type").asText());
        assertEquals("notes.jpg is not an image this service reads (JPEG, PNG, WebP or TIFF expected)",
                event.at("/data/error/reason").asText());
    }

    @Test
    void theSameS3EventDeliveredThreeTimesGivesOneJobAndOneResult() throws IOException {
        store.write("inbox/swirls/twice.png", Examples.bytes(Examples.PHOTO), "image/png");
        Outcome outcome = awaitOutcome("twice-");
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        awaitEvent(outcome.jobId());
        awaitQueueDrained(stack.jobQueueUrl());
        List<String> jobs = store.list(JobLayout.RESULTS + "twice-").stream().map(o -> o.key().split("/")[1]).distinct().toList();
        assertEquals(List.of(outcome.jobId()), jobs, "one job for three deliveries");
        assertEquals(1, store.list(JobLayout.RESULTS + outcome.jobId() + "/result.").size(), "one result");
        assertEquals(outcome, ledger.outcome(outcome.jobId()).orElseThrow(),
                "the first outcome stands");
        sleep(Duration.ofSeconds(2));
        assertFalse(events.containsKey(outcome.jobId() + "#again"), "one event");
    }

    @Test
    void theWorkerLogCarriesNoCredentialsOrSignedUrls() throws IOException {
        store.write("inbox/swirls/secret-check.png", Examples.bytes(Examples.PHOTO), "image/png");
        awaitOutcome("secret-check-");
        String log = workerLog();
        for (String secret : List.of("X-Amz-Signature", "X-Amz-Credential", "Authorization", "aws_secret_access_key",
                "SecretAccessKey", "AWS4-HMAC-SHA256")) {
            assertFalse(log.contains(secret), "the worker log shows " + secret);
        }
        assertTrue(log.contains("secret-check-"), "the log was read");
    }

    /** Every message of the queue handled: none visible, none in flight. */
    private static void awaitQueueDrained(String queueUrl) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Map<String, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings(
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            if ("0".equals(a.get("ApproximateNumberOfMessages")) && "0".equals(a.get("ApproximateNumberOfMessagesNotVisible"))) {
                return;
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("job queue not drained: " + workerLog());
    }

    private static void assertResultImage(Outcome outcome, int width, int height) throws IOException {
        byte[] png = store.read(outcome.resultKey()).orElseThrow();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
    }

    private static Outcome awaitOutcome(String jobIdPrefix) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            Optional<Outcome> outcome = store.list(JobLayout.RESULTS + jobIdPrefix).stream()
                    .filter(o -> o.key().endsWith("/outcome.json")).findFirst()
                    .flatMap(o -> ledger.outcome(o.key().split("/")[1]));
            if (outcome.isPresent()) {
                return outcome.get();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("no outcome for " + jobIdPrefix + "* within 120 s; worker log: " + workerLog());
    }

    private static synchronized JsonNode awaitEvent(String jobId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!events.containsKey(jobId) && Instant.now().isBefore(deadline)) {
            sqs.receiveMessage(b -> b.queueUrl(subscriber).waitTimeSeconds(1).maxNumberOfMessages(10)).messages()
                    .forEach(m -> {
                        JsonNode envelope = Json.read(m.body(), JsonNode.class);
                        JsonNode event = Json.read(envelope.get("Message").asText(), JsonNode.class);
                        assertEquals(event.at("/data/status").asText(), envelope.at("/MessageAttributes/status/Value").asText());
                        String subject = event.get("subject").asText();
                        events.put(events.containsKey(subject) ? subject + "#again" : subject, event);
                        sqs.deleteMessage(d -> d.queueUrl(subscriber).receiptHandle(m.receiptHandle()));
                    });
        }
        JsonNode event = events.get(jobId);
        assertNotNull(event, "no completion event for " + jobId);
        return event;
    }

    private static String workerLog() {
        try {
            return Files.readString(worker.log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
