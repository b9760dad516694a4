package dev.stylize.local;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.StyleRun;
import dev.stylize.engine.TestWeights;
import dev.stylize.images.ImageDecoder;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.stylize.images.testing.PngChunks.deflatedZeros;
import static dev.stylize.images.testing.PngChunks.iCcp;
import static dev.stylize.images.testing.PngChunks.withPngChunks;
import static dev.stylize.images.testing.PngChunks.zTxt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records nobody should trust, through the real worker process: a checkpoint whose state is
 * garbage, one from another image, one overwritten after it was recorded, a state nobody recorded.
 * Each job still ends SUCCEEDED, says what it skipped, and the worker stays healthy.
 */
class HostileRecordsTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @Test
    void unusableCheckpointsAreSkippedForOlderOnesOrAFreshStartAndTheJobSaysSo() throws IOException {
        try (TestStack t = new TestStack("hostile");
             WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
            // A real state, from the same job's plan but another (smaller) image: shapes that do not fit.
            byte[] otherImage = snapshot(PlanOptions.of(PlanOptions.STEPS, 12).with(PlanOptions.MAX_SIZE, 40)
                    .with(PlanOptions.CHECKPOINT_EVERY, 5), 5);
            byte[] fitting = snapshot(TestStack.small(12, 5), 5);

            Job garbage = submitWithCheckpoints(t, "garbage", Map.of(10, "not a checkpoint".getBytes(StandardCharsets.UTF_8)));
            Job foreign = submitWithCheckpoints(t, "foreign", Map.of(5, fitting, 10, otherImage));
            Job overwritten = submitWithCheckpoints(t, "overwritten", Map.of(10, fitting));
            t.store.write(JobLayout.checkpointStateKey("overwritten", 10), otherImage, "application/octet-stream");
            Job unrecorded = t.submit("unrecorded", "uploads/harbour.png", "styles/swirls.png", TestStack.small(12, 5), 0);
            t.store.write(JobLayout.checkpointStateKey("unrecorded", 10), fitting, "application/octet-stream");
            for (Job job : List.of(garbage, foreign, overwritten, unrecorded)) {
                t.enqueue(job.jobId());
            }

            Outcome g = t.awaitOutcome("garbage", LONG, worker::log);
            assertEquals(JobState.SUCCEEDED, g.status(), g.reason());
            assertEquals(2, g.notes().size(), String.valueOf(g.notes()));
            assertTrue(g.notes().get(0).startsWith("the checkpoint at step 10 could not be used: the checkpoint cannot be read"),
                    g.notes().get(0));
            assertEquals("started over: no usable checkpoint", g.notes().get(1));

            Outcome f = t.awaitOutcome("foreign", LONG, worker::log);
            assertEquals(JobState.SUCCEEDED, f.status(), f.reason());
            assertEquals(List.of("the checkpoint at step 10 could not be used: the checkpoint holds a 40x27 image but the "
                    + "inputs give 48x32", "resumed from the checkpoint at step 5"), f.notes());
            assertTrue(worker.log().contains("job foreign attempt 1: resuming at step 5"), "fell back to the older one");

            Outcome o = t.awaitOutcome("overwritten", LONG, worker::log);
            assertEquals(JobState.SUCCEEDED, o.status(), o.reason());
            assertTrue(o.notes().get(0).startsWith("the checkpoint at step 10 could not be used: its state is not what was written"),
                    String.valueOf(o.notes()));

            Outcome u = t.awaitOutcome("unrecorded", LONG, worker::log);
            assertEquals(JobState.SUCCEEDED, u.status(), u.reason());
            assertEquals(null, u.notes(), "a state nobody recorded is not even looked at");
            assertTrue(worker.log().contains("job unrecorded attempt 1: starting"), worker.log());

            assertTrue(worker.isAlive() && worker.healthUp("live") && worker.healthUp("ready"), "the worker is healthy after all that");
        }
    }

    /**
     * The upload that once stalled the service: a PNG of about a megabyte whose compressed text and
     * profile chunks inflate to gigabytes. The worker reads only the pixels and a few bytes of EXIF,
     * so the job ends, and the worker takes the next one.
     */
    @Test
    void aPhotoWhoseMetadataInflatesToGigabytesEndsAndTheWorkerGoesOn() throws IOException {
        try (TestStack t = new TestStack("bomb");
             WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
            byte[] inflatesToAGibibyte = deflatedZeros(1L << 30);
            byte[] photo = withPngChunks(Examples.bytes(Examples.PHOTO), zTxt(inflatesToAGibibyte),
                    iCcp(inflatesToAGibibyte));
            t.store.write("uploads/bomb.png", photo, "image/png");
            t.submit("bomb", "uploads/bomb.png", "styles/swirls.png", TestStack.small(4, 4), 1);
            t.submit("after", "uploads/harbour.png", "styles/swirls.png", TestStack.small(4, 4), 1);

            Outcome bomb = t.awaitOutcome("bomb", LONG, worker::log);
            assertTrue(bomb.status() == JobState.SUCCEEDED || bomb.status() == JobState.REJECTED, bomb.status() + ": " + bomb.reason());
            assertEquals(JobState.SUCCEEDED, t.awaitOutcome("after", LONG, worker::log).status(), "the next job runs");
            assertTrue(worker.isAlive() && worker.healthUp("live") && worker.healthUp("ready"), "the worker is healthy after it");
        }
    }

    /** Records a job and, as its worker would have, checkpoints with these states (digests of these very bytes). */
    private static Job submitWithCheckpoints(TestStack t, String jobId, Map<Integer, byte[]> states) {
        Job job = t.submit(jobId, "uploads/harbour.png", "styles/swirls.png", TestStack.small(12, 5), 0);
        for (Map.Entry<Integer, byte[]> state : new java.util.TreeMap<>(states).entrySet()) {
            t.ledger.saveCheckpoint(jobId, state.getKey(), new byte[0], state.getValue());
        }
        return job;
    }

    /** A real snapshot after {@code steps} steps of the seed preset on the example photo with {@code options}. */
    private static byte[] snapshot(PlanOptions options, int steps) {
        ImageDecoder decoder = new ImageDecoder();
        StyleInputs inputs = new StyleInputs(decoder.decode(Examples.PHOTO), decoder.decode(Examples.STYLE));
        StylePlan plan = Preset.SEED.plan(384, 256, options);
        try (NDManager manager = NDManager.newBaseManager();
             StyleRun run = StyleRun.start(TestWeights.vgg(Pooling.MAX), inputs, plan, manager, StyleRun.Listener.NONE,
                     MemoryBudget.ofAvailableMemory())) {
            for (int i = 0; i < steps; i++) {
                run.step();
            }
            return run.snapshot();
        }
    }
}
