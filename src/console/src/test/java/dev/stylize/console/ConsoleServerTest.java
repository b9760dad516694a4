package dev.stylize.console;

import dev.stylize.plan.ResultFormat;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.functions.intake.IntakeService;
import dev.stylize.functions.intake.UploadDeadlines;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.store.S3ObjectLinks;
import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.jobs.store.StoredObject;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.LambdaEvents;
import dev.stylize.jobs.testing.MotoServer;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's HTTP API against the emulator process, without a browser. */
class ConsoleServerTest {
    private static MotoServer moto;
    private static ObjectStore store;
    private static JobLedger ledger;
    private static ConsoleServer console;
    private static URI base;
    private static String origin;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static byte[] harbour;

    @BeforeAll
    static void start() throws IOException {
        moto = MotoServer.start();
        moto.clients().s3().createBucket(b -> b.bucket("console"));
        store = new S3ObjectStore(moto.clients().s3(), "console");
        ledger = new JobLedger(store, Clock.systemUTC());
        harbour = Examples.bytes(Examples.PHOTO);
        store.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");
        store.write("models/w.safetensors", new byte[] {1, 2, 3}, "application/octet-stream");
        console = new ConsoleServer(store, "127.0.0.1", 0, Duration.ofMillis(100), SubmissionChecks.intakeDefaults());
        base = console.address();
        origin = "http://" + base.getHost() + ":" + base.getPort();
    }

    @AfterAll
    static void stop() {
        console.close();
        moto.close();
    }

    @Test
    void servesThePageWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"/app.js\""), page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"), csp);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals(200, get("/app.js").statusCode());
        assertEquals(200, get("/app.css").statusCode());
        assertFalse(get("/app.js").body().contains("amazonaws.com"), "the page never talks to S3 itself");
    }

    @Test
    void answersOnlyToItsOwnHostName() throws IOException {
        assertTrue(raw("GET /api/jobs HTTP/1.1\r\nHost: localhost:" + base.getPort() + "\r\n").startsWith("HTTP/1.1 200"));
        String rebound = raw("GET /api/jobs HTTP/1.1\r\nHost: attacker.example:" + base.getPort() + "\r\n");
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(rebound.contains("Host attacker.example:" + base.getPort() + " refused"), rebound);
    }

    @Test
    void refusesWritesFromOtherPagesAndWritesNothing() throws Exception {
        Set<String> before = keys("");
        Multipart form = simpleForm("harbour.png", harbour, "swirls");
        HttpResponse<String> crossOrigin = http.send(form.post(base.resolve("/api/submissions"))
                .header("Origin", "http://attacker.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, crossOrigin.statusCode());
        HttpResponse<String> noOrigin = http.send(form.post(base.resolve("/api/submissions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noOrigin.statusCode());
        assertEquals(before, keys(""), "nothing written");
        assertEquals(403, http.send(HttpRequest.newBuilder(base.resolve("/api/image?key=styles/swirls.png"))
                .header("Sec-Fetch-Site", "cross-site").build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "no other site shows the bucket's images");
    }

    @Test
    void checksAnImageWithTheIntakesMessage() throws Exception {
        HttpResponse<String> text = post("/api/check?name=notes.jpg", "shopping list".getBytes(StandardCharsets.UTF_8),
                "application/octet-stream");
        assertEquals(422, text.statusCode());
        assertEquals("notes.jpg is not an image this service reads (JPEG, PNG, WebP or TIFF expected)",
                json(text.body()).get("error").asText());
        HttpResponse<String> photo = post("/api/check?name=harbour.png", harbour, "application/octet-stream");
        assertEquals(200, photo.statusCode(), photo.body());
        assertEquals(384, json(photo.body()).get("width").asInt());
    }

    @Test
    void aPhotoWithOneStyleGoesToTheInboxAsSubmitPutsIt() throws Exception {
        Set<String> before = keys("");
        HttpResponse<String> response = submit(simpleForm("Harbour At Dusk.PNG", harbour, "swirls"));
        assertEquals(201, response.statusCode(), response.body());
        JsonNode submitted = json(response.body());
        String key = submitted.get("written").get(0).asText();
        assertTrue(key.matches("inbox/swirls/harbour-at-dusk-[0-9a-f]{6}\\.png"), key);
        assertEquals(Set.of(key), difference(keys(""), before), "exactly the one object submit writes");
        assertArrayEquals(harbour, store.read(key).orElseThrow());
        assertEquals(JobLayout.jobIdBase(key), submitted.get("jobIdBase").asText());
    }

    @Test
    void aBlendWithANewPaintingWritesTheStyleAnUploadAndAManifestTheIntakeAccepts() throws Exception {
        Set<String> before = keys("");
        byte[] stripes = stripes();
        Multipart form = new Multipart()
                .file("photo", "harbour.png", harbour)
                .file("new-0", "stripes.png", stripes)
                .field("spec", """
                        {"styles":[{"name":"swirls","weight":0.7},{"file":"new-0","weight":0.3}],
                         "preset":"seed","maxSize":48,"steps":4,"keepColors":true}""");
        HttpResponse<String> response = submit(form);
        assertEquals(201, response.statusCode(), response.body());
        List<String> written = new ArrayList<>();
        json(response.body()).get("written").forEach(n -> written.add(n.asText()));
        assertEquals(3, written.size(), written.toString());
        assertEquals("styles/stripes.png", written.get(0));
        assertTrue(written.get(1).matches("uploads/harbour-[0-9a-f]{6}\\.png"), written.get(1));
        String manifestKey = written.get(2);
        assertEquals("jobs/" + JobLayout.jobIdBase(written.get(1)) + ".json", manifestKey, "the manifest comes last");
        assertEquals(Set.copyOf(written), difference(keys(""), before));

        byte[] manifestBytes = store.read(manifestKey).orElseThrow();
        Manifest manifest = Manifest.parse(manifestBytes, "console", Limits.SERVICE);
        assertEquals(written.get(1), manifest.content());
        assertEquals(List.of(new Manifest.Style("swirls", null, 0.7), new Manifest.Style("stripes", null, 0.3)), manifest.styles());
        assertEquals(Preset.SEED, manifest.preset());
        assertEquals(PlanOptions.of(PlanOptions.STEPS, 4).with(PlanOptions.MAX_SIZE, 48).with(PlanOptions.KEEP_COLORS, true),
                manifest.options());

        // The real intake takes it as it is.
        String queue = moto.clients().sqs().createQueue(b -> b.queueName("console-jobs")).queueUrl();
        IntakeSettings settings = IntakeSettings.of(Limits.SERVICE, Preset.QUALITY, PlanOptions.NONE);
        IntakeService intake = new IntakeService(ledger, moto.clients().sqs(), queue, settings,
                new JobMetrics(EmfWriter.toStandardOutput(JobMetrics.DEFAULT_NAMESPACE)),
                new JobRequests(ledger, new S3ObjectLinks(moto.clients().s3Presigner(), "console"), settings, JobRequests.UPLOAD_WINDOW),
                new UploadDeadlines(moto.clients().sqs(), queue, JobRequests.UPLOAD_WINDOW));
        String result = intake.accept(LambdaEvents.s3Upload("console", manifestKey, manifestBytes.length).getRecords().getFirst());
        assertTrue(result.startsWith("accepted " + JobLayout.jobIdBase(manifestKey) + "-"), result);
        String jobId = result.substring("accepted ".length());
        Job job = ledger.job(jobId).orElseThrow();
        assertEquals(List.of(new StyleRef("styles/swirls.png", 0.7), new StyleRef("styles/stripes.png", 0.3)), job.styles());
        assertEquals(jobId, json(get("/api/find?base=" + JobLayout.jobIdBase(manifestKey)).body()).get("jobId").asText());
    }

    @Test
    void aRefusedSubmissionSaysWhyAndWritesNothing() throws Exception {
        Set<String> before = keys("");
        HttpResponse<String> text = submit(simpleForm("notes.jpg", "shopping list".getBytes(StandardCharsets.UTF_8), "swirls"));
        assertEquals(422, text.statusCode());
        assertEquals("notes.jpg is not an image this service reads (JPEG, PNG, WebP or TIFF expected)",
                json(text.body()).get("error").asText());
        HttpResponse<String> noStyle = submit(simpleForm("harbour.png", harbour, "monet"));
        assertEquals("style 'monet' not found: upload it as styles/monet.jpg (available: " + String.join(", ",
                        libraryNames()) + ")", json(noStyle.body()).get("error").asText());
        HttpResponse<String> badSize = submit(new Multipart().file("photo", "harbour.png", harbour)
                .field("spec", "{\"styles\":[{\"name\":\"swirls\"}],\"maxSize\":9000}"));
        assertEquals("maxSize must be from 32 to 2048 pixels, got 9000", json(badSize.body()).get("error").asText());
        HttpResponse<String> newButTaken = submit(new Multipart().file("photo", "harbour.png", harbour)
                .file("new-0", "swirls.png", stripes())
                .field("spec", "{\"styles\":[{\"file\":\"new-0\"}]}"));
        assertEquals(422, newButTaken.statusCode());
        assertEquals(before, keys(""), "nothing written");
    }

    @Test
    void listsJobsNewestFirstAndShowsOneInFull() throws Exception {
        String older = "older-" + UUID.randomUUID().toString().substring(0, 8);
        String newer = "newer-" + UUID.randomUUID().toString().substring(0, 8);
        PlanOptions options = PlanOptions.of(PlanOptions.STEPS, 4).with(PlanOptions.MAX_SIZE, 48)
                .with(PlanOptions.CHECKPOINT_EVERY, 2);
        Job job = new Job(older, "console", "uploads/h.png", List.of(new StyleRef("styles/swirls.png", 1)), "seed",
                options, Preset.SEED.plan(384, 256, options), "jobs/x.json", "t");
        store.write("uploads/h.png", harbour, "image/png");
        ledger.record(job);
        ledger.saveCheckpoint(older, 2, harbour, new byte[] {0});
        ledger.saveCheckpoint(older, 4, harbour, new byte[] {0});
        String result = ledger.saveResult(older, harbour, ResultFormat.PNG);
        ledger.end(new Outcome(older, "console", JobState.SUCCEEDED, null, result, "jobs/x.json", "uploads/h.png",
                job.styles(), "seed", job.options(), 4, 1.5, "generated", new Outcome.Timings("t", "t", "t2", 1.0), null),
                new JobStatus(older, JobState.RUNNING, 4, 4, 1.5, null, null, 2.0, 0.0, JobLayout.checkpointImageKey(older, 4),
                        1, null, "t", "t", List.of(new double[] {1, 9.0}, new double[] {2, 4.0}), null, null));
        Thread.sleep(1100); // S3 times are to the second
        ledger.endUnrecorded(Outcome.rejected(newer, "console", "inbox/swirls/notes.jpg", "notes.jpg is not an image", "t"));

        JsonNode jobs = json(get("/api/jobs").body()).get("jobs");
        List<String> ids = new ArrayList<>();
        jobs.forEach(j -> ids.add(j.get("jobId").asText()));
        assertTrue(ids.indexOf(newer) >= 0 && ids.indexOf(newer) < ids.indexOf(older), ids.toString());
        JsonNode rejected = jobs.get(ids.indexOf(newer));
        assertEquals("REJECTED", rejected.get("state").asText());
        assertEquals("notes.jpg is not an image", rejected.get("reason").asText());

        JsonNode detail = json(get("/api/jobs/" + older).body());
        assertEquals("SUCCEEDED", detail.at("/summary/state").asText());
        assertEquals(48, detail.at("/summary/size").asInt());
        assertEquals(JobLayout.resultKey(older, "png"), detail.at("/summary/result/key").asText());
        assertEquals(2, detail.get("checkpoints").size(), "images only, no states");
        assertEquals(4, detail.at("/summary/totalSteps").asInt());
        assertEquals(4, detail.at("/checkpoints/1/step").asInt());
        assertEquals("[[1.0,9.0],[2.0,4.0]]", detail.at("/status/lossHistory").toString(), "status.json as it is");
        assertEquals("dev.stylize.job.succeeded", detail.at("/event/type").asText());
        assertEquals("s3://console/" + JobLayout.resultKey(older, "png"), detail.at("/event/data/result/uri").asText());
        assertEquals(404, get("/api/jobs/nobody-here").statusCode());
        HttpResponse<String> event = get("/api/jobs/" + older + "/event.json");
        assertEquals(older + "/SUCCEEDED", json(event.body()).get("id").asText());
        assertTrue(event.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"));
    }

    @Test
    void proxiesImagesScaledDownAndNothingElse() throws Exception {
        HttpResponse<byte[]> thumbnail = http.send(HttpRequest.newBuilder(base.resolve("/api/image?key=styles/swirls.png&w=160"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, thumbnail.statusCode());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
        assertEquals(160, image.getWidth());
        String etag = thumbnail.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, http.send(HttpRequest.newBuilder(base.resolve("/api/image?key=styles/swirls.png&w=160"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        HttpResponse<byte[]> original = http.send(HttpRequest.newBuilder(base.resolve("/api/image?key=styles/swirls.png"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("image/png", original.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(store.read("styles/swirls.png").orElseThrow(), original.body());

        assertEquals(400, get("/api/image?key=models/w.safetensors").statusCode(), "weights are not an image");
        assertEquals(400, get("/api/image?key=styles/../models/w.safetensors").statusCode());
        assertEquals(400, get("/api/image?key=styles/swirls.png&w=7").statusCode(), "widths from a fixed set");
        assertEquals(400, get("/api/download?key=models/w.safetensors").statusCode());
        assertEquals(400, get("/api/download?key=jobs/x.json").statusCode());
        assertEquals(404, get("/api/image?key=styles/none.png").statusCode());
    }

    @Test
    void liveUpdatesFollowTheStatus() throws Exception {
        String jobId = "live-" + UUID.randomUUID().toString().substring(0, 8);
        ledger.progress(new JobStatus(jobId, JobState.RUNNING, 1, 10, 5.0, null, null, null,
                null, null, 1, null, "t", "t", null, null, null));
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(base.resolve("/api/live?job=" + jobId)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElseThrow());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertEquals(1, nextUpdate(events).at("/summary/step").asInt());
            ledger.progress(new JobStatus(jobId, JobState.RUNNING, 7, 10, 2.0, null, null, null,
                    3.0, null, 1, null, "t", "t2", List.of(new double[] {1, 5.0}, new double[] {7, 2.0}), null, null));
            JsonNode update = nextUpdate(events);
            assertEquals(7, update.at("/summary/step").asInt());
            assertEquals(3.0, update.at("/summary/etaSeconds").asDouble());
            assertEquals(2, update.at("/status/lossHistory").size());
        }
    }

    // ---- requests, events, fixtures ----

    private static JsonNode nextUpdate(BufferedReader events) throws IOException {
        String line;
        boolean update = false;
        while ((line = events.readLine()) != null) {
            if (line.equals("event: update")) {
                update = true;
            } else if (update && line.startsWith("data: ")) {
                return json(line.substring(6));
            }
        }
        throw new AssertionError("the stream ended");
    }

    private static List<String> libraryNames() {
        return store.list(JobLayout.STYLES).stream().map(o -> JobLayout.libraryStyleName(o.key()))
                .flatMap(java.util.Optional::stream).sorted().toList();
    }

    private static Multipart simpleForm(String fileName, byte[] bytes, String style) {
        return new Multipart().file("photo", fileName, bytes).field("spec", "{\"styles\":[{\"name\":\"" + style + "\"}]}");
    }

    private static HttpResponse<String> submit(Multipart form) throws Exception {
        return http.send(form.post(base.resolve("/api/submissions")).header("Origin", origin).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, byte[] body, String type) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Origin", origin).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request written by hand: Java's HTTP client will not send a Host header of our choosing. */
    private static String raw(String head) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Set<String> keys(String prefix) {
        return store.list(prefix).stream().map(StoredObject::key).collect(Collectors.toSet());
    }

    private static Set<String> difference(Set<String> after, Set<String> before) {
        return after.stream().filter(k -> !before.contains(k)).collect(Collectors.toSet());
    }

    private static JsonNode json(String body) {
        return Json.read(body, JsonNode.class);
    }

    /** A painting of stripes, unlike any in the library. */
    static byte[] stripes() throws IOException {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, ((x + y) / 8) % 2 == 0 ? 0xE0A030 : 0x203060);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    /** A multipart/form-data body as a browser's FormData makes it. */
    static final class Multipart {
        private final String boundary = "----ConsoleTest" + UUID.randomUUID().toString().replace("-", "");
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Multipart file(String name, String fileName, byte[] bytes) {
            head("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream");
            body.writeBytes(bytes);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Multipart field(String name, String value) {
            head("Content-Disposition: form-data; name=\"" + name + "\"");
            body.writeBytes((value + "\r\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        private void head(String headers) {
            body.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        }

        HttpRequest.Builder post(URI uri) {
            byte[] bytes = body.toByteArray();
            byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[bytes.length + end.length];
            System.arraycopy(bytes, 0, all, 0, bytes.length);
            System.arraycopy(end, 0, all, bytes.length, end.length);
            return HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(all));
        }
    }
}
