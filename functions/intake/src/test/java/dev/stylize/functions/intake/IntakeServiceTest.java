package dev.stylize.functions.intake;

import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.store.S3ObjectLinks;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.EmfDocuments;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.LambdaEvents;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.stylize.jobs.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The intake against a real emulator process, fed the files in test-events/. */
class IntakeServiceTest {
    private static MotoServer moto;
    private static S3Client s3;
    private static SqsClient sqs;

    private String bucket;
    private static final Duration UPLOAD_WINDOW = Duration.ofSeconds(3);
    private String queueUrl;
    private String deadlineQueueUrl;
    private ObjectStore store;
    private JobLedger ledger;
    private IntakeHandler handler;
    private final List<String> metricLines = new ArrayList<>();

    @BeforeAll
    static void startEmulator() {
        moto = MotoServer.start();
        s3 = moto.clients().s3();
        sqs = moto.clients().sqs();
    }

    @AfterAll
    static void stopEmulator() {
        moto.close();
    }

    @BeforeEach
    void freshBucketAndQueue() throws IOException {
        bucket = "stylize-local"; // the bucket the test-events name
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException e) {
            // kept between tests; each test uses its own queue and keys
        }
        queueUrl = sqs.createQueue(b -> b.queueName("jobs-" + UUID.randomUUID())).queueUrl();
        store = new S3ObjectStore(s3, bucket);
        ledger = new JobLedger(store, Clock.systemUTC());
        store.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");
        PlanOptions defaults = PlanOptions.of(PlanOptions.STEPS, 8).with(PlanOptions.MAX_SIZE, 64);
        IntakeSettings settings = IntakeSettings.of(Limits.SERVICE, Preset.SEED, defaults);
        handler = new IntakeHandler(intake(settings));
    }

    /** The intake under test, as its wiring builds it, on the emulator. */
    private IntakeService intake(IntakeSettings settings) {
        deadlineQueueUrl = sqs.createQueue(b -> b.queueName("deadlines-" + UUID.randomUUID())).queueUrl();
        return new IntakeService(ledger, sqs, queueUrl, settings,
                new JobMetrics(new EmfWriter("test", Clock.systemUTC(), metricLines::add)),
                new JobRequests(ledger, new S3ObjectLinks(moto.clients().s3Presigner(), bucket), settings, UPLOAD_WINDOW),
                new UploadDeadlines(sqs, deadlineQueueUrl, UPLOAD_WINDOW));
    }

    @Test
    void anInboxPhotoBecomesAQueuedJob() throws IOException {
        store.write("inbox/swirls/my harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        String result = handler.handleRequest(event("s3-inbox-put.json"), null);

        assertTrue(result.startsWith("accepted my-harbour-"), result);
        String jobId = result.substring("accepted ".length());
        Job job = ledger.job(jobId).orElseThrow();
        assertEquals("inbox/swirls/my harbour.png", job.contentKey(), "the URL-encoded key is decoded");
        assertEquals("styles/swirls.png", job.styles().get(0).key());
        assertEquals(8, job.options().get(PlanOptions.STEPS).orElseThrow(), "inbox jobs get the configured defaults");
        assertEquals(8, job.plan().totalSteps(), "and the plan runs them");
        assertEquals(JobState.QUEUED, ledger.status(jobId).orElseThrow().state());
        List<Message> messages = receiveAll();
        assertEquals(1, messages.size());
        assertEquals(new JobMessage(jobId, bucket), Json.read(messages.get(0).body(), JobMessage.class));
    }

    @Test
    void anApiRequestWaitsForItsPhotoWhichBecomesItsJobUnderItsId() throws IOException {
        IntakeService intake = intake(IntakeSettings.of(Limits.SERVICE, Preset.SEED, PlanOptions.NONE));
        JobRequests requests = intake.requests();
        String jobId = requests.submit("alice", "{\"style\": \"swirls\", \"options\": {\"steps\": 12}}"
                .getBytes(StandardCharsets.UTF_8)).jobId();
        String request = JobLayout.requestKey(jobId);
        assertEquals("awaiting the photo of " + jobId, intake.accept(upload(request, 100).getRecords().getFirst()));
        assertEquals(JobState.AWAITING_UPLOAD, ledger.status(jobId).orElseThrow().state());
        Message deadline = sqs.receiveMessage(b -> b.queueUrl(deadlineQueueUrl).waitTimeSeconds(UPLOAD_WINDOW.toSecondsPart() + 2)
                .maxNumberOfMessages(1)).messages().getFirst();
        assertEquals(new JobMessage(jobId, bucket), Json.read(deadline.body(), JobMessage.class), "its deadline, delayed by the window");

        byte[] photo = Examples.bytes(Examples.PHOTO);
        store.write(JobLayout.requestPhotoKey(jobId), photo, "application/octet-stream");
        assertEquals("accepted " + jobId, intake.accept(upload(JobLayout.requestPhotoKey(jobId), photo.length).getRecords().getFirst()));
        Job job = ledger.job(jobId).orElseThrow();
        assertEquals(JobLayout.requestPhotoKey(jobId), job.contentKey());
        assertEquals(request, job.source());
        assertEquals(12, job.plan().totalSteps(), "what the request asked");
        assertEquals(List.of(new JobMessage(jobId, bucket)), receiveAll().stream().map(m -> Json.read(m.body(), JobMessage.class)).toList());
        assertTrue(requests.expireUnlessUploaded(jobId).isEmpty(), "its deadline passes without effect");

        // The URL used again, with something that is no photo at all: the accepted job stands as it was.
        store.write(JobLayout.requestPhotoKey(jobId), "not a photo".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertEquals("duplicate " + jobId + ": already accepted, enqueued again",
                intake.accept(upload(JobLayout.requestPhotoKey(jobId), 11).getRecords().getFirst()));
        assertEquals(job, ledger.job(jobId).orElseThrow());
        assertTrue(ledger.outcome(jobId).isEmpty(), "not rejected over a job that may be running");
    }

    @Test
    void aPhotoWithoutARequestAndACancellationAreSettledByTheirKeys() {
        IntakeService intake = intake(IntakeSettings.of(Limits.SERVICE, Preset.SEED, PlanOptions.NONE));
        String stray = JobLayout.requestPhotoKey("made-up");
        store.write(stray, Examples.bytes(Examples.PHOTO), "image/png");
        String result = intake.accept(upload(stray, 100).getRecords().getFirst());
        assertTrue(result.startsWith("rejected made-up: a photo at " + stray + " without a request"), result);

        String jobId = intake.requests().submit("alice", "{\"style\": \"swirls\"}".getBytes(StandardCharsets.UTF_8)).jobId();
        intake.requests().cancel("alice", jobId);
        assertEquals("cancelled " + jobId, intake.accept(upload(JobLayout.cancelKey(jobId), 10).getRecords().getFirst()));
        assertEquals(JobState.CANCELLED, ledger.outcome(jobId).orElseThrow().status());
        assertTrue(metricLines.stream().anyMatch(l -> l.contains("\"JobsCancelled\"")), String.join("\n", metricLines));
        assertEquals("ignored requests/x/y/z: not a request's file", intake.accept(upload("requests/x/y/z", 1).getRecords().getFirst()));
    }

    @Test
    void aZeroByteFolderObjectIsIgnoredNotRejected() {
        // The S3 console's "Create folder" in inbox/ or jobs/: a zero-byte object whose key ends in "/".
        for (String key : List.of("inbox/swirls/", "inbox/new-style/", "jobs/archive/")) {
            store.write(key, new byte[0], "application/x-directory");
            String result = handler.handleRequest(upload(key, 0), null);
            assertEquals("ignored " + key + IntakeService.FOLDER, result);
        }
        assertEquals(List.of(), store.list(JobLayout.RESULTS + "new-style"), "no job, no outcome");
        assertEquals(List.of(), receiveAll(), "nothing queued");
    }

    @Test
    void theSameEventThreeTimesRecordsOneJob() throws IOException {
        store.write("inbox/swirls/my harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        S3Event event = event("s3-inbox-put.json");
        String first = handler.handleRequest(event, null);
        String jobId = first.substring("accepted ".length());
        Job recorded = ledger.job(jobId).orElseThrow();
        handler.handleRequest(event, null);
        handler.handleRequest(event, null);
        assertEquals(recorded, ledger.job(jobId).orElseThrow(), "recorded once");
        assertEquals(1, store.list(JobLayout.RESULTS + "my-harbour-").stream().map(o -> o.key().split("/")[1])
                .distinct().count(), "one job for the three deliveries");
        assertTrue(receiveAll().stream().allMatch(m -> m.body().contains(jobId)), "every message names the one job");
    }

    @Test
    void aJobIsCountedAcceptedOnceHoweverOftenItsEventComes() throws IOException {
        byte[] photo = Examples.bytes(Examples.PHOTO);
        store.write("inbox/swirls/counted.png", photo, "image/png");
        S3Event event = upload("inbox/swirls/counted.png", photo.length);
        String jobId = handler.handleRequest(event, null).substring("accepted ".length());
        handler.handleRequest(event, null);
        handler.handleRequest(event, null);
        assertEquals(1, metricLines.size(), "accepted once: " + metricLines);
        assertTrue(metricLines.getFirst().contains("\"JobsAccepted\":1"), metricLines.getFirst());
        assertTrue(metricLines.getFirst().contains("\"jobId\":\"" + jobId + "\""), metricLines.getFirst());
        assertEquals(List.of(), EmfDocuments.problems(metricLines.getFirst()));
    }

    @Test
    void aTextFileNamedJpgIsRejectedWithItsReason() {
        store.write("inbox/swirls/notes.jpg", "shopping list".getBytes(StandardCharsets.UTF_8), "image/jpeg");
        Outcome outcome = rejected(upload("inbox/swirls/notes.jpg", 13));
        assertEquals("notes.jpg is not an image this service reads (JPEG, PNG, WebP or TIFF expected)", outcome.reason());
        assertEquals(0, receiveAll().size(), "nothing is enqueued");
        assertEquals(1, metricLines.size());
        assertTrue(metricLines.getFirst().contains("\"JobsRejected\":1"), metricLines.getFirst());
    }

    @Test
    void anOversizedUploadIsRejectedFromTheEventWithoutReadingIt() {
        // The object does not even exist: the size in the event is enough.
        Outcome outcome = rejected(upload("inbox/swirls/huge.jpg", 60L * 1024 * 1024));
        assertEquals("huge.jpg is 60.0 MB; the limit is 50.0 MB", outcome.reason());
    }

    @Test
    void aDecompressionBombIsRejectedFromItsHeader() {
        store.write("inbox/swirls/bomb.png", pngHeader(50_000, 50_000), "image/png");
        assertTrue(rejected(upload("inbox/swirls/bomb.png", 33)).reason()
                .startsWith("image declares 50000x50000 = 2,500,000,000 pixels, more than the limit"));
    }

    @Test
    void hostileUploadsAreRejectedEachWithItsReason() throws IOException {
        byte[] png = Examples.bytes(Examples.PHOTO);
        store.write("inbox/swirls/empty.png", new byte[0], "image/png");
        assertEquals("empty.png is empty (0 bytes), not an image", rejected(upload("inbox/swirls/empty.png", 0)).reason());

        store.write("inbox/swirls/cut.png", java.util.Arrays.copyOf(png, png.length - 100), "image/png");
        assertEquals("cut.png is truncated: a PNG ends with its IEND chunk, this one does not",
                rejected(upload("inbox/swirls/cut.png", png.length - 100)).reason());

        assertEquals("'inbox/swirls/../../results/x.png' is not an acceptable key (no '..', '//', leading '/' or control characters)",
                rejected(upload("inbox/swirls/../../results/x.png", 100)).reason());

        String manifestKey = "jobs/huge.json";
        assertEquals("manifest is 70000 bytes; the limit is 65536", rejected(upload(manifestKey, 70_000)).reason());
    }

    @Test
    void shapesVggCannotTakeAreRejectedFromTheHeaderWithTheirNumbers() throws IOException {
        assertEquals("a 20000x8 photo is too narrow: at 64 px on its longest side its shortest side is 1 px, and VGG19 "
                + "needs at least 16 (at 64 px a photo may be at most 4:1)", rejectedPng("wide.png", 20000, 8));
        assertEquals("a 8x20000 photo is too narrow: at 64 px on its longest side its shortest side is 1 px, and VGG19 "
                + "needs at least 16 (at 64 px a photo may be at most 4:1)", rejectedPng("tall.png", 8, 20000));
        assertEquals("a 1x1 photo is too small: VGG19 needs at least 16 px on its shortest side", rejectedPng("dot.png", 1, 1));
        assertEquals("a 3x3 photo is too small: VGG19 needs at least 16 px on its shortest side", rejectedPng("tiny.png", 3, 3));
        assertEquals(0, receiveAll().size(), "nothing is enqueued");
    }

    private String rejectedPng(String name, int width, int height) throws IOException {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", png);
        store.write("inbox/swirls/" + name, png.toByteArray(), "image/png");
        return rejected(upload("inbox/swirls/" + name, png.size())).reason();
    }

    @Test
    void oddUnicodeAndUrlEncodedKeysAreDecodedExactly() throws IOException {
        String key = "inbox/swirls/фото été 📷 (1)+plus.png";
        store.write(key, Examples.bytes(Examples.PHOTO), "image/png");
        String encoded = java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        String json = read("s3-inbox-put.json").replace("inbox/swirls/my+harbour.png", encoded)
                .replace("0A1B2C3D4E5F678901", UUID.randomUUID().toString());
        String result = handler.handleRequest(LambdaEvents.s3(json), null);
        assertTrue(result.startsWith("accepted "), result);
        Job job = ledger.job(result.substring("accepted ".length())).orElseThrow();
        assertEquals(key, job.contentKey());
    }

    @Test
    void anUnknownStyleIsRejectedWithTheAvailableOnes() throws IOException {
        store.write("inbox/monet/p.png", Examples.bytes(Examples.PHOTO), "image/png");
        assertEquals("style 'monet' not found: upload it as styles/monet.jpg (available: swirls)",
                rejected(upload("inbox/monet/p.png", 9619)).reason());
    }

    @Test
    void aManifestBecomesAJobWithItsOptions() throws IOException {
        store.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        store.write("jobs/harbour-blend.json", manifest("""
                {"content": "uploads/harbour.png", "styles": [{"name": "swirls", "weight": 0.7},
                 {"key": "styles/swirls.png", "weight": 0.3}], "preset": "paper", "options": {"steps": 12}}"""), "application/json");
        String result = handler.handleRequest(event("s3-manifest-put.json"), null);
        assertTrue(result.startsWith("accepted harbour-blend-"), result);
        Job job = ledger.job(result.substring(9)).orElseThrow();
        assertEquals("paper", job.preset());
        assertEquals(12, job.options().get(PlanOptions.STEPS).orElseThrow());
        assertEquals(64, job.options().get(PlanOptions.MAX_SIZE).orElseThrow(), "unset options come from the defaults");
        assertEquals(64, job.plan().size(), "the plan is made at intake, for the photo's size");
        assertEquals(0.7, job.styles().get(0).weight());
    }

    @Test
    void badManifestsAreRejectedEachWithItsReason() throws IOException {
        store.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        assertManifestRejected("{\"content\": \"results/x/result.png\", \"styles\": [{\"name\": \"swirls\"}]}",
                "\"content\" must be a key under uploads/, got 'results/x/result.png'");
        assertManifestRejected("{\"content\": \"uploads/../results/x.png\", \"styles\": [{\"name\": \"swirls\"}]}",
                "'uploads/../results/x.png' is not an acceptable key");
        assertManifestRejected("{\"bucket\": \"someone-else\", \"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\"}]}",
                "manifests may only name objects in this bucket (stylize-local), not 'someone-else'");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\"}], \"options\": {\"steps\": 1000000000}}",
                "steps must be from 1 to 5000, got 1000000000");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\"}], \"options\": {\"maxSize\": 1000000}}",
                "maxSize must be from 32 to 2048 pixels, got 1000000");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\"}], \"options\": {\"scaleSteps\": [5000, 5000]}}",
                "a job may take at most " + Limits.SERVICE_MAX_STEPS + " steps in all, across its scales; this one takes 10000");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\"}], \"options\": {\"steps\": 5000, \"maxSize\": 384}}",
                "the job would cost 491.5 megapixel-steps (steps × width × height / 10^6, over its 1 scale), more than this "
                        + "deployment allows one job (224)");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\"}], \"options\": {\"styleScale\": 10}}",
                "styleScale must be from 0.1 to 4, got 10.0");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\", \"weight\": -1}]}",
                "style weights must be above 0 and at most 1e6, got -1.0");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": [{\"name\": \"swirls\"}], \"options\": {\"styleWeight\": \"NaN\"}}",
                "styleWeight must be a number from 0 to 1e12, got NaN");
        assertManifestRejected("{\"content\": \"uploads/harbour.png\", \"styles\": ["
                        + "{\"name\": \"swirls\"},".repeat(99) + "{\"name\": \"swirls\"}]}",
                "a job blends at most 4 styles, got 100");
        assertManifestRejected("{\"content\": \"uploads/missing.png\", \"styles\": [{\"name\": \"swirls\"}]}",
                "uploads/missing.png does not exist in stylize-local");
        assertManifestRejected("{\"content\": ", Manifest.NOT_VALID);
    }

    @Test
    void printSizesReachAsFarAsTheDeploymentAllows() throws IOException {
        store.write("uploads/print.png", solidPng(4096, 2731), "image/png"); // a photo large enough for the print
        String json = "{\"content\": \"uploads/print.png\", \"styles\": [{\"name\": \"swirls\"}], \"preset\": \"quality\","
                + " \"options\": {\"maxSize\": 4096}}";
        assertManifestRejected(json, "maxSize must be from 32 to 2048 pixels, got 4096");

        IntakeService prints = intake(IntakeSettings.of(Limits.service(4096), Preset.SEED, PlanOptions.NONE));
        store.write("jobs/print.json", manifest(json), "application/json");
        String result = prints.accept(upload("jobs/print.json", json.length()).getRecords().getFirst());
        assertTrue(result.startsWith("accepted print-"), result);
        Job job = ledger.job(result.substring("accepted ".length())).orElseThrow();
        assertEquals(4096, job.plan().size(), "the print size, coarse to fine from 128 px");
        assertEquals(6, job.plan().schedule().size());
    }

    /** One colour: a few kilobytes whatever the size. */
    private static byte[] solidPng(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(70, 110, 160));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    private void assertManifestRejected(String json, String reasonStart) {
        String key = "jobs/m-" + UUID.randomUUID() + ".json";
        store.write(key, manifest(json), "application/json");
        Outcome outcome = rejected(upload(key, json.length()));
        assertTrue(outcome.reason().startsWith(reasonStart), outcome.reason());
    }

    private Outcome rejected(S3Event event) {
        String result = handler.handleRequest(event, null);
        assertTrue(result.startsWith("rejected "), result);
        String jobId = result.substring("rejected ".length(), result.indexOf(':'));
        Outcome outcome = ledger.outcome(jobId).orElseThrow();
        assertEquals(JobState.REJECTED, outcome.status());
        assertEquals(outcome.reason(), result.substring(result.indexOf(": ") + 2));
        return outcome;
    }

    /** The inbox test event, re-pointed at another key and size. */
    private S3Event upload(String key, long size) {
        return LambdaEvents.s3Upload(bucket, key, size);
    }

    static S3Event event(String file) {
        return LambdaEvents.s3(read(file));
    }

    static String read(String file) {
        return LambdaEvents.read(file);
    }

    private static byte[] manifest(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private List<Message> receiveAll() {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    }

    static byte[] pngHeader(int width, int height) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(33);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
