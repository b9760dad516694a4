package dev.stylize.local;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobOptions;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM to a busy worker: checkpoint, message released at once, the next worker resumes there. */
class WorkerShutdownTest {
    /** The bound README states: one step plus a checkpoint upload, well under this. */
    private static final Duration RELEASE_BOUND = Duration.ofSeconds(10);
    private static final Duration LONG = Duration.ofSeconds(120);

    @Test
    void sigtermCheckpointsReleasesTheMessageAndTheNextWorkerResumes() throws IOException {
        try (TestStack t = new TestStack("stop")) {
            // No periodic checkpoints: the only one is the one SIGTERM writes.
            Job job = t.submit("long-job", "uploads/harbour.png", "styles/swirls.png",
                    new JobOptions(400, 64, null, null, null, null, null, null, null, null, 1000, null, null), 1);
            // Production visibility (300 s): only an explicit release brings the message back at once.
            Map<String, String> env = new HashMap<>(t.workerEnv());
            env.put("STYLIZE_VISIBILITY_TIMEOUT_SECONDS", "300");

            WorkerProcess first = WorkerProcess.start(env);
            TestStack.await("the job to run a few steps", () -> t.store.readJson(JobLayout.statusKey(job.jobId()), JobStatus.class)
                    .filter(s -> s.state() == JobState.RUNNING && s.step() != null && s.step() >= 5).isPresent(), LONG, first::log);
            Instant term = Instant.now();
            first.close(); // SIGTERM, waits for exit
            Duration released = Duration.between(term, Instant.now());
            assertEquals(1, t.messages(t.stack.jobQueueUrl(), "ApproximateNumberOfMessages"),
                    "the message is back in the queue, not waiting out its visibility");
            assertTrue(released.compareTo(RELEASE_BOUND) < 0, "released in " + released);
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
            }
        }
    }
}
