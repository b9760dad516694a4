package dev.stylize.console;

import dev.stylize.functions.intake.IntakeService;
import dev.stylize.functions.intake.UploadDeadlines;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.store.S3ObjectLinks;
import dev.stylize.jobs.IntakeSettings;
import dev.stylize.images.ImageHeader;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The console refuses what the intake would reject, with the intake's own words: each bad input is
 * given to the real intake (against the emulator) and to {@link SubmissionChecks}, and the REJECTED
 * reason must equal the console's message. Both run the same code; this keeps the console wired to it.
 */
class SubmissionChecksTest {
    private static final String BUCKET = "checks";
    private static MotoServer moto;
    private static ObjectStore store;
    private static IntakeService intake;
    private final SubmissionChecks checks = SubmissionChecks.intakeDefaults();

    @BeforeAll
    static void startIntake() {
        moto = MotoServer.start();
        moto.clients().s3().createBucket(b -> b.bucket(BUCKET));
        store = new S3ObjectStore(moto.clients().s3(), BUCKET);
        store.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");
        store.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        String queue = moto.clients().sqs().createQueue(b -> b.queueName("checks-jobs")).queueUrl();
        JobLedger ledger = new JobLedger(store, Clock.systemUTC());
        IntakeSettings settings = IntakeSettings.of(Limits.SERVICE, Preset.SEED, PlanOptions.NONE);
        intake = new IntakeService(ledger, moto.clients().sqs(), queue, settings,
                new JobMetrics(EmfWriter.toStandardOutput(JobMetrics.DEFAULT_NAMESPACE)),
                new JobRequests(ledger, new S3ObjectLinks(moto.clients().s3Presigner(), BUCKET), settings, JobRequests.UPLOAD_WINDOW),
                new UploadDeadlines(moto.clients().sqs(), queue, JobRequests.UPLOAD_WINDOW));
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @Test
    void badPhotosGetTheIntakesReasons() {
        byte[] png = Examples.bytes(Examples.PHOTO);
        for (var file : List.of(
                new Object[] {"notes.jpg", "shopping list".getBytes(StandardCharsets.UTF_8)},
                new Object[] {"empty.png", new byte[0]},
                new Object[] {"cut.png", Arrays.copyOf(png, png.length - 100)},
                new Object[] {"bomb.png", pngHeader(50_000, 50_000)},
                new Object[] {"flat.png", pngHeader(0, 10)},
                new Object[] {"half.jpg", Arrays.copyOf(png, 20)})) {
            String name = (String) file[0];
            byte[] bytes = (byte[]) file[1];
            String key = "inbox/swirls/" + name;
            store.write(key, bytes, "application/octet-stream");
            String reason = rejection(accept(key, bytes.length));
            assertEquals(reason, message(() -> checks.image(name, bytes)), name);
        }
        long huge = 60L * 1024 * 1024;
        assertEquals(rejection(accept("inbox/swirls/huge.jpg", huge)),
                message(() -> checks.image("huge.jpg", huge, () -> {
                    throw new AssertionError("a file over the limit is not read");
                })), "judged by its size alone");
    }

    @Test
    void badStylesGetTheIntakesReasons() {
        List<String> library = List.of("swirls");
        assertEquals(manifestRejection("{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"nope\"}]}"),
                message(() -> checks.libraryStyle("nope", library)));
        assertEquals(manifestRejection("{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"no way\"}]}"),
                message(() -> checks.libraryStyle("no way", library)));
        assertEquals("(accepted)", message(() -> checks.libraryStyle("swirls", library)));
    }

    @Test
    void badManifestsGetTheIntakesReasons() {
        for (String json : List.of(
                "{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"swirls\"},{\"name\":\"swirls\"},"
                        + "{\"name\":\"swirls\"},{\"name\":\"swirls\"},{\"name\":\"swirls\"}]}",
                "{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"swirls\",\"weight\":0}]}",
                "{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"swirls\"}],\"preset\":\"fast\"}",
                "{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"swirls\"}],\"options\":{\"steps\":9999}}",
                "{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"swirls\"}],\"options\":{\"maxSize\":4096}}")) {
            assertEquals(manifestRejection(json), message(() -> checks.manifest(json.getBytes(StandardCharsets.UTF_8), BUCKET)),
                    json);
        }
    }

    @Test
    void jobsOverTheBoundsInAllGetTheIntakesReasons() {
        ImageHeader photo = checks.image("harbour.png", Examples.bytes(Examples.PHOTO));
        for (String json : List.of(
                "{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"swirls\"}],\"options\":{\"scaleSteps\":[3000,3000]}}",
                "{\"content\":\"uploads/harbour.png\",\"styles\":[{\"name\":\"swirls\"}],\"options\":{\"steps\":5000}}")) {
            Manifest manifest = checks.manifest(json.getBytes(StandardCharsets.UTF_8), BUCKET);
            assertEquals(manifestRejection(json), message(() -> checks.plan(manifest, photo)), json);
        }
    }

    @Test
    void aGoodPhotoPassesWithItsHeader() {
        ImageHeader header = checks.image("harbour.png", Examples.bytes(Examples.PHOTO));
        assertEquals("png", header.format());
        assertEquals(List.of(384, 256), List.of(header.width(), header.height()));
    }

    @Test
    void theConsolesOwnRules() {
        assertEquals("pick at least one style from the library or drop a painting", message(() -> checks.someStyle(0)));
        assertEquals("the library already has a style named 'swirls': pick it from the library, or rename the file to add another",
                message(() -> checks.newStyle("swirls", List.of("swirls"))));
        assertEquals("the photo and the new paintings together are 120.0 MB; the console takes at most 101.0 MB at once",
                message(() -> checks.submissionSize(120L * 1024 * 1024)));
    }

    private static String manifestRejection(String json) {
        String key = "jobs/m-" + UUID.randomUUID() + ".json";
        store.write(key, json.getBytes(StandardCharsets.UTF_8), "application/json");
        return rejection(accept(key, json.length()));
    }

    private static String accept(String key, long size) {
        return intake.accept(LambdaEvents.s3Upload(BUCKET, key, size).getRecords().getFirst());
    }

    /** The reason in the intake's "rejected ID: REASON". */
    private static String rejection(String result) {
        assertEquals(true, result.startsWith("rejected "), result);
        return result.substring(result.indexOf(": ") + 2);
    }

    private static String message(Runnable check) {
        try {
            check.run();
            return "(accepted)";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** A PNG signature and IHDR declaring {@code width} x {@code height}, and nothing else. */
    static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(33);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
