package dev.stylize.local;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.plan.PlanOptions;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a busy worker: checkpoint, message released at once, the next worker resumes there,
 * also in the middle of a coarse-to-fine schedule.
 */
class WorkerShutdownTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    /** The JVM's status after a SIGTERM whose shutdown hooks (Quarkus's, the worker's stop) all ran. */
    private static final int EXIT_ON_SIGTERM = 143;

    @Test
    void sigtermCheckpointsReleasesTheMessageAndTheNextWorkerResumes() throws IOException {
        try (TestStack t = new TestStack("stop").startFunctions()) {
            // No periodic checkpoints: the only one is the one SIGTERM writes.
            Job job = t.submit("long-job", "uploads/harbour.png", "styles/swirls.png",
                    PlanOptions.of(PlanOptions.STEPS, 400).with(PlanOptions.MAX_SIZE, 64).with(PlanOptions.CHECKPOINT_EVERY, 1000), 1);
            // Production visibility (300 s): only an explicit release brings the message back at once.
            Map<String, String> env = new HashMap<>(t.workerEnv());
            env.put("STYLIZE_VISIBILITY_TIMEOUT_SECONDS", "300");

            WorkerProcess first = WorkerProcess.start(env);
            TestStack.await("the job to run a few steps", () -> t.ledger.status(job.jobId())
                    .filter(s -> s.state() == JobState.RUNNING && s.step() != null && s.step() >= 5).isPresent(), LONG, first::log);
            first.close(); // SIGTERM, waits for exit
            assertEquals(EXIT_ON_SIGTERM, first.exitCode(), "stopped in good order, not killed: " + first.log());
            assertEquals(1, t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessages"),
                    "the message is back in the queue, not waiting out its visibility");
            Optional<Integer> checkpoint = t.store.list(JobLayout.checkpointsPrefix(job.jobId())).stream()
                    .map(o -> JobLayout.checkpointStep(o.key())).flatMap(Optional::stream).findFirst();
            assertTrue(checkpoint.isPresent() && checkpoint.get() >= 5, "checkpointed on SIGTERM: " + checkpoint);
            assertTrue(t.outcome(job.jobId()).isEmpty(), "not ended");

            try (WorkerProcess second = WorkerProcess.start(env)) {
                Outcome outcome = t.awaitOutcome(job.jobId(), LONG, second::log);
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
                assertEquals(400, outcome.steps());
                assertTrue(second.log().contains("resuming at step " + checkpoint.get()),
                        "the second worker resumed from the checkpoint");
                assertEquals("SUCCEEDED", t.awaitEvent(job.jobId(), Duration.ofSeconds(30)).at("/data/status").asText());
                TestStack.sleep(Duration.ofSeconds(2));
                assertEquals(1, t.events(job.jobId()).size(), "one completion event for the interrupted job");
            }
        }
    }

    @Test
    void aCoarseToFineJobStoppedInItsFineScaleResumesThere() throws IOException {
        try (TestStack t = new TestStack("scales")) {
            // The quality preset's schedule for the 384x256 photo: 25 steps at 192 px, then 20 at 384 px.
            Job job = t.submit("scaled-job", "quality", "uploads/harbour.png", "styles/swirls.png",
                    PlanOptions.of(PlanOptions.CHECKPOINT_EVERY, 1000), 1);
            Map<String, String> env = t.workerEnv();
            String firstLog;
            try (WorkerProcess first = WorkerProcess.start(env)) {
                TestStack.await("the job to reach its fine scale", () -> t.ledger.status(job.jobId())
                        .filter(s -> s.state() == JobState.RUNNING && s.step() != null && s.step() > 25).isPresent(), LONG, first::log);
                first.close();
                firstLog = first.log();
            }
            assertTrue(firstLog.contains("job scaled-job: scale 2 of 2, 384x256, 20 steps"), firstLog);
            List<Integer> checkpoints = t.store.list(JobLayout.checkpointsPrefix(job.jobId())).stream()
                    .map(o -> JobLayout.checkpointStep(o.key())).flatMap(Optional::stream).sorted().toList();
            assertEquals(2, checkpoints.size(), "the coarse scale's result and the SIGTERM checkpoint: " + checkpoints);
            assertEquals(25, checkpoints.get(0));
            byte[] coarse = t.store.read(JobLayout.checkpointImageKey(job.jobId(), 25)).orElseThrow();
            assertEquals(192, ImageIO.read(new ByteArrayInputStream(coarse)).getWidth(), "the coarse result, at its own size");

            try (WorkerProcess second = WorkerProcess.start(env)) {
                Outcome outcome = t.awaitOutcome(job.jobId(), LONG, second::log);
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
                assertEquals(45, outcome.steps());
                assertTrue(second.log().contains("resuming at step " + checkpoints.get(1)), second.log());
                byte[] result = t.store.read(outcome.resultKey()).orElseThrow();
                assertEquals(384, ImageIO.read(new ByteArrayInputStream(result)).getWidth());
            }
        }
    }
}
