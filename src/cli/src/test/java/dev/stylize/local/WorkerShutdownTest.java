package dev.stylize.local;

import dev.stylize.engine.TestWeights;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobOptions;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.testing.MotoServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM to a busy worker: checkpoint, message released at once, the next worker resumes there. */
class WorkerShutdownTest {
    /** The bound README states: one step plus a checkpoint upload, well under this. */
    private static final Duration RELEASE_BOUND = Duration.ofSeconds(10);

    @Test
    void sigtermCheckpointsReleasesTheMessageAndTheNextWorkerResumes() throws IOException {
        try (MotoServer moto = MotoServer.start()) {
            StackResources stack = StackResources.ensure(moto.clients(), LocalNames.withPrefix("stop"));
            JobStore store = new JobStore(moto.clients().s3(), stack.names().bucket());
            Path examples = Path.of("../../docs/examples");
            store.put("models/w.safetensors", Files.readAllBytes(TestWeights.file()), "application/octet-stream");
            store.put("uploads/harbour.png", Files.readAllBytes(examples.resolve("harbour.png")), "image/png");
            store.put("styles/swirls.png", Files.readAllBytes(examples.resolve("swirls.png")), "image/png");
            Job job = new Job("long-job", stack.names().bucket(), "uploads/harbour.png",
                    List.of(new StyleRef("styles/swirls.png", 1.0)), "seed",
                    new JobOptions(400, 64, null, null, null, null, null, null, null, null, 1000, null, null), "jobs/long.json",
                    Instant.now().toString());
            store.writeJson(JobLayout.jobKey(job.jobId()), job);
            var sqs = moto.clients().sqs();
            sqs.sendMessage(b -> b.queueUrl(stack.jobQueueUrl()).messageBody(Json.compact(new JobMessage(job.jobId(), job.bucket()))));
            Map<String, String> env = Map.of(
                    "STYLIZE_BUCKET", stack.names().bucket(),
                    "STYLIZE_JOB_QUEUE_URL", stack.jobQueueUrl(),
                    "STYLIZE_AWS_ENDPOINT", moto.endpoint().toString(),
                    "STYLIZE_WEIGHTS", "s3://" + stack.names().bucket() + "/models/w.safetensors",
                    "STYLIZE_WEIGHTS_SHA256", WeightsSource.digest(TestWeights.file()),
                    "STYLIZE_CACHE_DIR", Files.createTempDirectory("cache").toString(),
                    "STYLIZE_POLL_WAIT_SECONDS", "1");

            WorkerProcess first = WorkerProcess.start(env);
            await("the job to run a few steps", () -> store.readJson(JobLayout.statusKey(job.jobId()), JobStatus.class)
                    .filter(s -> s.state() == JobState.RUNNING && s.step() != null && s.step() >= 5).isPresent());
            Instant term = Instant.now();
            first.close(); // SIGTERM, waits for exit
            Duration released = Duration.between(term, Instant.now());
            int visible = Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(stack.jobQueueUrl())
                    .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                    .get("ApproximateNumberOfMessages"));
            assertEquals(1, visible, "the message is back in the queue, not waiting out its visibility");
            assertTrue(released.compareTo(RELEASE_BOUND) < 0, "released in " + released);
            Optional<Integer> checkpoint = store.list(JobLayout.checkpointsPrefix(job.jobId())).stream()
                    .map(o -> JobLayout.checkpointStep(o.key())).flatMap(Optional::stream).findFirst();
            assertTrue(checkpoint.isPresent() && checkpoint.get() >= 5, "checkpointed on SIGTERM: " + checkpoint);
            assertTrue(store.readJson(JobLayout.outcomeKey(job.jobId()), Outcome.class).isEmpty(), "not ended");

            Files.write(Path.of("/tmp/sigterm-" + checkpoint.get() + ".state"),
                    store.readBytes(JobLayout.checkpointStateKey(job.jobId(), checkpoint.get())).orElseThrow());
            try (WorkerProcess second = WorkerProcess.start(env)) {
                await("the job to finish", () -> store.exists(JobLayout.outcomeKey(job.jobId())));
                Outcome outcome = store.readJson(JobLayout.outcomeKey(job.jobId()), Outcome.class).orElseThrow();
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
                assertEquals(400, outcome.steps());
                assertTrue(Files.readString(second.log).contains("resuming at step " + checkpoint.get()),
                        "the second worker resumed from the checkpoint");
            }
        }
    }

    private static void await(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
