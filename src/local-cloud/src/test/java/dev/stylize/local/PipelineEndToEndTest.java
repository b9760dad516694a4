package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.testing.Examples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline on this machine, as deployed: the emulator process with template.yaml's
 * resources, S3 notifications turned into asynchronous invocations of the intake and notifier
 * packages (function.zip under the Lambda runtime interface client), the packaged worker process
 * on CPU with generated weights, completion events received through an SQS subscription to the
 * topic. The only local settings are the intake's job defaults (small, so jobs take seconds),
 * passed as the function's environment.
 */
class PipelineEndToEndTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static TestStack t;
    private static WorkerProcess worker;
    private static Thread forwarder;
    private static volatile boolean forwarding = true;

    @BeforeAll
    static void startPipeline() throws IOException {
        t = new TestStack("e2e");
        // S3 delivers events at least once: a forwarder between the intake's notification queue
        // and the local Lambda service delivers the event of every "twice" upload three times.
        String tap = t.sqs.createQueue(b -> b.queueName("e2e-intake-tap")).queueUrl();
        String notifications = t.stack.notificationQueue("IntakeFunction").orElseThrow();
        forwarder = new Thread(() -> forward(notifications, tap), "duplicating-forwarder");
        forwarder.setDaemon(true);
        forwarder.start();
        Map<String, String> defaults = new HashMap<>(TestStack.smallIntakeDefaults(6));
        defaults.put("STYLIZE_DEFAULTS_CHECKPOINT_EVERY", "3");
        t.startFunctions(o -> o.environment("IntakeFunction", defaults).notificationQueue("IntakeFunction", tap));
        Map<String, String> env = new HashMap<>(t.workerEnv());
        env.put("STYLIZE_PRECISION", "bf16"); // the other worker tests run float32; this one runs the bf16 graph end to end
        env.remove("STYLIZE_VISIBILITY_TIMEOUT_SECONDS");
        worker = WorkerProcess.start(env);
    }

    private static void forward(String from, String to) {
        while (forwarding) {
            try {
                t.sqs.receiveMessage(b -> b.queueUrl(from).waitTimeSeconds(1).maxNumberOfMessages(10)).messages().forEach(m -> {
                    int copies = m.body().contains("inbox/swirls/twice.png") || m.body().contains("inbox%2Fswirls%2Ftwice.png") ? 3 : 1;
                    for (int i = 0; i < copies; i++) {
                        t.sqs.sendMessage(b -> b.queueUrl(to).messageBody(m.body()));
                    }
                    t.sqs.deleteMessage(b -> b.queueUrl(from).receiptHandle(m.receiptHandle()));
                });
            } catch (RuntimeException e) {
                if (forwarding) {
                    TestStack.sleep(Duration.ofMillis(500));
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
        if (t != null) {
            t.close();
        }
    }

    @Test
    void anInboxPhotoEndsSucceededWithResultCheckpointsAndEvent() throws IOException {
        t.store.write("inbox/swirls/harbour at dusk.png", Examples.bytes(Examples.PHOTO), "image/png");
        Outcome outcome = t.awaitOutcomeOf("harbour-at-dusk-", LONG, PipelineEndToEndTest::logs);
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        assertResultImage(outcome, 48, 32);
        assertTrue(t.store.exists(JobLayout.checkpointImageKey(outcome.jobId(), 3)), "checkpoint image at step 3");
        // The ledger removes the states just after it records the outcome this test waits for.
        TestStack.await("an ended job's resumable state to be removed",
                () -> !t.store.exists(JobLayout.checkpointStateKey(outcome.jobId(), 3)), Duration.ofSeconds(10),
                PipelineEndToEndTest::logs);
        JsonNode event = t.awaitEvent(outcome.jobId(), Duration.ofSeconds(30));
        assertEquals("dev.stylize.job.succeeded", event.get("type").asText());
        assertEquals(6, event.at("/data/steps").asInt());
        assertEquals("generated", event.at("/data/weights").asText());
        // It went through the packages: each function's JVM answered invocations through the Runtime API.
        for (String function : List.of("IntakeFunction", "NotifierFunction")) {
            Map<String, Object> d = t.lambda.function(function).describe();
            assertTrue((Integer) d.get("invocations") >= 1, function + " was invoked: " + d);
        }
    }

    @Test
    void aManifestEndsSucceededWithItsOptions() throws IOException {
        t.store.write("jobs/blend.json", """
                {"content": "uploads/harbour.png", "styles": [{"name": "swirls", "weight": 2}, {"key": "styles/swirls.png"}],
                 "preset": "paper", "options": {"steps": 4, "maxSize": 40, "init": "content"}}""".getBytes(StandardCharsets.UTF_8),
                "application/json");
        Outcome outcome = t.awaitOutcomeOf("blend-", LONG, PipelineEndToEndTest::logs);
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        assertEquals(4, outcome.steps());
        assertResultImage(outcome, 40, 27);
        assertEquals("jobs/blend.json", t.awaitEvent(outcome.jobId(), Duration.ofSeconds(30)).at("/data/inputs/source").asText());
    }

    @Test
    void aTextFileNamedJpgEndsRejectedWithAnEventSayingWhy() {
        assertATextFileIsRejectedAndAnnounced(t, "notes", LONG);
    }

    /**
     * The shortest trip through both packages: the intake rejects a text file named .jpg, the
     * notifier announces it. Throws AssertionError when any step does not happen in time.
     */
    static void assertATextFileIsRejectedAndAnnounced(TestStack t, String name, Duration timeout) {
        t.store.write("inbox/swirls/" + name + ".jpg", "this is not a photo".getBytes(StandardCharsets.UTF_8), "image/jpeg");
        Outcome outcome = t.awaitOutcomeOf(name + "-", timeout, t::functionLogs);
        assertEquals(JobState.REJECTED, outcome.status());
        JsonNode event = t.awaitEvent(outcome.jobId(), timeout);
        assertEquals("dev.stylize.job.rejected", event.get("type").asText());
        assertEquals(name + ".jpg is not an image this service reads (JPEG, PNG, WebP or TIFF expected)",
                event.at("/data/error/reason").asText());
    }

    @Test
    void theSameS3EventDeliveredThreeTimesGivesOneJobAndOneResult() throws IOException {
        t.store.write("inbox/swirls/twice.png", Examples.bytes(Examples.PHOTO), "image/png");
        Outcome outcome = t.awaitOutcomeOf("twice-", LONG, PipelineEndToEndTest::logs);
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        t.awaitEvent(outcome.jobId(), Duration.ofSeconds(30));
        TestStack.await("the job queue to drain", () -> t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessages")
                + t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessagesNotVisible") == 0, Duration.ofSeconds(60), PipelineEndToEndTest::logs);
        assertEquals(List.of(outcome.jobId()), t.jobs("twice-"), "one job for three deliveries");
        assertEquals(1, t.store.list(JobLayout.RESULTS + outcome.jobId() + "/result.").size(), "one result");
        assertEquals(outcome, t.ledger.outcome(outcome.jobId()).orElseThrow(), "the first outcome stands");
        TestStack.sleep(Duration.ofSeconds(2));
        assertEquals(1, t.events(outcome.jobId()).size(), "one event");
    }

    @Test
    void theWorkerLogCarriesNoCredentialsOrSignedUrls() throws IOException {
        t.store.write("inbox/swirls/secret-check.png", Examples.bytes(Examples.PHOTO), "image/png");
        t.awaitOutcomeOf("secret-check-", LONG, PipelineEndToEndTest::logs);
        String log = worker.log();
        for (String secret : List.of("X-Amz-Signature", "X-Amz-Credential", "Authorization", "aws_secret_access_key",
                "SecretAccessKey", "AWS4-HMAC-SHA256")) {
            assertFalse(log.contains(secret), "the worker log shows " + secret);
        }
        assertTrue(log.contains("secret-check-"), "the log was read");
    }

    /**
     * What operators read: every line the worker and the functions write, during a whole job, is
     * one JSON object (the functions' platform lines too, as the template's LogFormat asks), and
     * every line about the job carries its id (under "mdc", or as a metric's dimension).
     */
    @Test
    void everyLogLineIsJsonAndCarriesTheJobItSpeaksOf() throws IOException {
        t.store.write("inbox/swirls/json-logs.png", Examples.bytes(Examples.PHOTO), "image/png");
        Outcome outcome = t.awaitOutcomeOf("json-logs-", LONG, PipelineEndToEndTest::logs);
        t.awaitEvent(outcome.jobId(), LONG);
        List<String> lines = new java.util.ArrayList<>(List.of(worker.log().split("\\R")));
        for (var function : t.lambda.functions().values()) {
            if (java.nio.file.Files.exists(function.log())) { // a function never invoked has not started
                lines.addAll(java.nio.file.Files.readAllLines(function.log()));
            }
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        int aboutTheJob = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line);
            }
            assertTrue(node.isObject(), line);
            if (node.path("message").asText().contains(outcome.jobId()) || node.has("_aws") && line.contains(outcome.jobId())) {
                aboutTheJob++;
                String id = node.has("_aws") ? node.path("jobId").asText() : node.path("mdc").path("jobId").asText();
                assertEquals(outcome.jobId(), id, "the job's id on: " + line);
            }
        }
        assertTrue(aboutTheJob >= 4, "lines about the job in the worker and each function: " + aboutTheJob);
    }

    private static void assertResultImage(Outcome outcome, int width, int height) throws IOException {
        byte[] png = t.store.read(outcome.resultKey()).orElseThrow();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
    }

    private static String logs() {
        return "worker log:\n" + worker.log() + "\n" + t.functionLogs();
    }
}
