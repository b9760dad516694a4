package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.testing.Examples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs API through the real packages: the local REST API in front of the API function's
 * function.zip, the intake and the upload-deadline function from theirs, a real worker process,
 * all on the emulator. Requests are signed with the SDK's SigV4 signer ({@link JobsApiClient}), as
 * any AWS client signs them; the photo goes to the presigned URL with a plain PUT.
 */
class JobsApiTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final Duration WINDOW = Duration.ofSeconds(4);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestStack t;
    private static URI api;

    @BeforeAll
    static void start() {
        // A budget of 2 megapixel-steps: 1000 steps at 48x32 px fit in it, 300 at 256x171 do not.
        Map<String, String> env = Map.of("STYLIZE_UPLOAD_WINDOW", "PT" + WINDOW.toSeconds() + "S", "STYLIZE_JOB_BUDGET", "2");
        t = new TestStack("api").startFunctions(o -> o.environment("Parameters", env));
        t.lambda.warmUp(LONG);
        api = t.lambda.api().orElseThrow();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void badRequestsGetAReasonAndRecordNothing() throws IOException, InterruptedException {
        int recorded = t.store.list(JobLayout.REQUESTS).size();
        assertEquals(403, unsigned("POST", "/jobs", "{\"style\": \"swirls\"}"), "unsigned");
        assertRefused(400, "{\"style\": \"swirls\"", "not valid");
        assertRefused(400, "[\"swirls\"]", "a request is a JSON object");
        assertRefused(400, "{\"style\": 7}", "\"style\" is a string, not a number");
        assertRefused(400, "{\"style\": \"swirls\", \"options\": {\"steps\": \"many\"}}", "steps");
        assertRefused(400, "{\"style\": \"monet\"}", "style 'monet' not found");
        assertRefused(400, "{\"style\": \"swirls\", \"colour\": \"red\"}", "unknown request field 'colour'");
        assertRefused(413, "{\"style\": \"" + "x".repeat(70_000) + "\"}", "the limit is 65536");
        // The job a new user tried: six scales of 5000 steps, 30,000 steps of GPU time from one upload.
        assertRefused(400, "{\"style\": \"swirls\", \"options\": {\"scales\": 6, \"steps\": 5000}}",
                "at most 5000 steps in all");
        assertEquals(recorded, t.store.list(JobLayout.REQUESTS).size(), "nothing recorded");
        assertEquals(404, send("GET", "/jobs/no-such-job", null, "alice").status());
    }

    @Test
    void aJobRunsFromRequestToResultAndOnlyItsCallerSeesIt() throws IOException, InterruptedException {
        // A print's file: 16 bits a channel, TIFF.
        JsonNode created = created(send("POST", "/jobs", "{\"style\": \"swirls\", \"preset\": \"seed\", \"options\": "
                + "{\"steps\": 20, \"maxSize\": 48, \"format\": \"tiff16\"}}", "alice"));
        String jobId = created.get("jobId").asText();
        assertEquals("AWAITING_UPLOAD", created.get("state").asText());
        assertEquals(api + "/jobs/" + jobId, created.get("statusUrl").asText());
        assertEquals("AWAITING_UPLOAD", view("alice", jobId).get("state").asText());

        // Someone else's job is answered as one that does not exist, whatever the method.
        JobsApiClient.Response other = send("GET", "/jobs/" + jobId, null, "bob");
        assertEquals(404, other.status(), other.body().toString());
        assertEquals(send("GET", "/jobs/0000", null, "bob").body().toString().replace("0000", jobId), other.body().toString());
        assertEquals(404, send("DELETE", "/jobs/" + jobId, null, "bob").status());

        upload(created);
        try (WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
            TestStack.await("the job to succeed", () -> view("alice", jobId).get("state").asText().equals("SUCCEEDED"), LONG,
                    () -> worker.log() + t.functionLogs());
        }
        JsonNode done = view("alice", jobId);
        assertEquals(20, done.get("step").asInt());
        HttpResponse<byte[]> result = HTTP.send(HttpRequest.newBuilder(URI.create(done.get("resultUrl").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, result.statusCode());
        assertTrue(done.get("resultUrl").asText().contains("/result.tif?"), done.get("resultUrl").asText());
        java.awt.image.BufferedImage image = ImageIO.read(new ByteArrayInputStream(result.body()));
        assertEquals(48, image.getWidth(), "the result, at its size");
        assertEquals(16, image.getColorModel().getComponentSize(0), "16 bits a channel");
        assertEquals("SUCCEEDED", t.awaitEvent(jobId, Duration.ofSeconds(30)).at("/data/status").asText());

        JobsApiClient.Response again = send("DELETE", "/jobs/" + jobId, null, "alice");
        assertEquals(409, again.status(), again.body().toString());
        assertEquals("SUCCEEDED", again.body().get("state").asText());
    }

    @Test
    void cancelledBeforeItStartsAJobNeverRuns() throws IOException {
        // Before its photo: cancelled at once; a photo uploaded afterwards makes no job.
        JsonNode waiting = created(send("POST", "/jobs", small(20), "alice"));
        String unuploaded = waiting.get("jobId").asText();
        assertEquals(202, send("DELETE", "/jobs/" + unuploaded, null, "alice").status());
        awaitState(unuploaded, "CANCELLED");
        upload(waiting);
        TestStack.sleep(Duration.ofSeconds(2));
        assertTrue(t.ledger.job(unuploaded).isEmpty(), "no job made from a cancelled request's photo");

        // Queued, no worker yet: cancelled by the intake; the worker that receives its message leaves it.
        JsonNode queued = created(send("POST", "/jobs", small(20), "alice"));
        String jobId = queued.get("jobId").asText();
        upload(queued);
        awaitState(jobId, "QUEUED");
        assertEquals(202, send("DELETE", "/jobs/" + jobId, null, "alice").status());
        awaitState(jobId, "CANCELLED");
        try (WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
            TestStack.await("the worker to drop the message", () -> worker.log().contains("job " + jobId + " already ended"),
                    LONG, worker::log);
        }
        assertEquals(null, t.ledger.status(jobId).orElseThrow().startedAt(), "never started");
        assertEquals(JobState.CANCELLED, t.outcome(jobId).orElseThrow().status());
        assertEquals("CANCELLED", t.awaitEvent(jobId, Duration.ofSeconds(30)).at("/data/status").asText());
    }

    @Test
    void cancelledWhileItRunsAJobStopsAtItsNextStep() throws IOException {
        JsonNode created = created(send("POST", "/jobs", "{\"style\": \"swirls\", \"preset\": \"seed\", \"options\": "
                + "{\"steps\": 1000, \"maxSize\": 48, \"checkpointEvery\": 5}}", "alice"));
        String jobId = created.get("jobId").asText();
        upload(created);
        try (WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
            TestStack.await("the job to checkpoint", () -> {
                JsonNode v = view("alice", jobId);
                return v.get("state").asText().equals("RUNNING") && v.has("checkpointUrl");
            }, LONG, worker::log);
            JobsApiClient.Response cancel = send("DELETE", "/jobs/" + jobId, null, "alice");
            assertEquals(202, cancel.status(), cancel.body().toString());
            assertTrue(cancel.body().get("cancelRequested").asBoolean());
            awaitState(jobId, "CANCELLED");
            assertTrue(worker.log().contains("cancelled by its owner; stopping at the next step"), worker.log());
        }
        JsonNode cancelled = view("alice", jobId);
        assertTrue(cancelled.get("step").asInt() < 1000, "stopped early: " + cancelled);
        assertEquals("cancelled by its owner", cancelled.get("reason").asText());
        assertTrue(t.store.list(JobLayout.checkpointsPrefix(jobId)).isEmpty(), "its checkpoints are deleted");
        assertEquals("CANCELLED", t.awaitEvent(jobId, Duration.ofSeconds(30)).at("/data/status").asText());
        TestStack.sleep(Duration.ofSeconds(2));
        assertEquals(1, t.events(jobId).size(), "one completion event");
    }

    @Test
    void aPhotoThatNeverComesExpiresAndAJobOverBudgetIsRejected() throws IOException {
        String waiting = created(send("POST", "/jobs", small(20), "alice")).get("jobId").asText();
        // 300 steps at 256 px of the 384x256 photo cost 13 megapixel-steps; this deployment allows 2.
        JsonNode print = created(send("POST", "/jobs", "{\"style\": \"swirls\", \"preset\": \"seed\", \"options\": "
                + "{\"steps\": 300, \"maxSize\": 256}}", "alice"));
        upload(print);
        awaitState(print.get("jobId").asText(), "REJECTED");
        assertTrue(view("alice", print.get("jobId").asText()).get("reason").asText().contains("megapixel-steps"),
                view("alice", print.get("jobId").asText()).toString());

        awaitState(waiting, "EXPIRED");
        assertTrue(view("alice", waiting).get("reason").asText().startsWith("no photo was uploaded within"),
                view("alice", waiting).toString());
        assertEquals("EXPIRED", t.awaitEvent(waiting, Duration.ofSeconds(30)).at("/data/status").asText());
    }

    // ---------------------------------------------------------------- helpers

    private static String small(int steps) {
        return "{\"style\": \"swirls\", \"preset\": \"seed\", \"options\": {\"steps\": " + steps + ", \"maxSize\": 48}}";
    }

    private static void assertRefused(int status, String body, String reason) {
        JobsApiClient.Response response = send("POST", "/jobs", body, "alice");
        assertEquals(status, response.status(), response.body().toString());
        JsonNode json = response.body();
        assertTrue(json.get("reason").asText().contains(reason), "'" + reason + "' in " + response.body());
    }

    private static JsonNode created(JobsApiClient.Response response) {
        assertEquals(201, response.status(), response.body().toString());
        JsonNode json = response.body();
        assertNotNull(json.get("uploadUrl"));
        return json;
    }

    private static JsonNode view(String caller, String jobId) {
        JobsApiClient.Response response = send("GET", "/jobs/" + jobId, null, caller);
        assertEquals(200, response.status(), response.body().toString());
        return response.body();
    }

    private static void awaitState(String jobId, String state) {
        TestStack.await(jobId + " to be " + state, () -> view("alice", jobId).get("state").asText().equals(state),
                Duration.ofSeconds(60), t::functionLogs);
    }

    /** The photo, with a plain PUT to the presigned URL, as any HTTP client sends it. */
    private static void upload(JsonNode created) throws IOException {
        HttpRequest put = HttpRequest.newBuilder(URI.create(created.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Examples.bytes(Examples.PHOTO))).build();
        try {
            assertEquals(200, HTTP.send(put, HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A request to the local API, signed with SigV4 for {@code accessKey}, as {@link JobsApiClient} signs every request. */
    private static JobsApiClient.Response send(String method, String path, String body, String accessKey) {
        return new JobsApiClient(api, StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "secret")), "us-east-1")
                .call(method, path, body);
    }

    private static int unsigned(String method, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(api.resolve(path)).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
