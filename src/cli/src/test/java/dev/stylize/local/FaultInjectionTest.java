package dev.stylize.local;

import dev.stylize.images.ImageEncoder;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.testing.Examples;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults injected for real (processes killed, the emulator failing behind a proxy), each case
 * checking the outcome and that no job, checkpoint or event is lost or duplicated.
 */
class FaultInjectionTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @Test
    void aWorkerKilledMidJobIsResumedFromItsLatestCheckpointWithTheUninterruptedResult() throws IOException {
        try (TestStack t = new TestStack("kill")) {
            Job killed = t.submit("killed", "uploads/harbour.png", "styles/swirls.png", TestStack.small(60, 10), 1);
            WorkerProcess first = WorkerProcess.start(t.workerEnv());
            TestStack.await("a checkpoint and a few steps more", () -> t.ledger.status(killed.jobId()).filter(s -> s.step() != null && s.step() >= 25).isPresent(), LONG, first::log);
            first.kill();

            Job reference = t.submit("uninterrupted", "uploads/harbour.png", "styles/swirls.png", TestStack.small(60, 10), 1);
            try (WorkerProcess second = WorkerProcess.start(t.workerEnv())) {
                Outcome outcome = t.awaitOutcome(killed.jobId(), LONG, second::log);
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
                Matcher resumed = Pattern.compile("job killed attempt 2: resuming at step (\\d+)").matcher(second.log());
                assertTrue(resumed.find(), "the second worker resumed from a checkpoint:\n" + second.log());
                assertTrue(Integer.parseInt(resumed.group(1)) >= 20, "from the latest one: step " + resumed.group(1));
                t.awaitOutcome(reference.jobId(), LONG, second::log);
            }
            assertArrayEquals(t.store.read(JobLayout.resultKey(reference.jobId(), "png")).orElseThrow(),
                    t.store.read(JobLayout.resultKey(killed.jobId(), "png")).orElseThrow(),
                    "killed and resumed gives the uninterrupted result, byte for byte");
        }
    }

    @Test
    void twoWorkersWithDuplicateMessagesRunEachJobOnce() throws IOException {
        try (TestStack t = new TestStack("dup");
             WorkerProcess a = WorkerProcess.start(t.workerEnv());
             WorkerProcess b = WorkerProcess.start(t.workerEnv())) {
            List<String> jobs = List.of("dup-1", "dup-2", "dup-3");
            jobs.forEach(id -> t.submit(id, "uploads/harbour.png", "styles/swirls.png", TestStack.small(30, 10), 3));
            for (String id : jobs) {
                assertEquals(JobState.SUCCEEDED, t.awaitOutcome(id, LONG, () -> a.log() + b.log()).status());
            }
            TestStack.await("the duplicates to be settled", () -> t.messages(t.stack.jobQueueUrl(), "ApproximateNumberOfMessages")
                    + t.messages(t.stack.jobQueueUrl(), "ApproximateNumberOfMessagesNotVisible") == 0, LONG, () -> a.log() + b.log());
            String logs = a.log() + b.log();
            for (String id : jobs) {
                assertEquals(1, TestStack.count(logs, "job " + id + " attempt \\d+: starting"), "job " + id + " ran once:\n" + logs);
                assertEquals(1, TestStack.count(logs, "job " + id + " SUCCEEDED"), "one result for " + id);
            }
            assertEquals(0, t.messages(t.stack.deadLetterQueueUrl(), "ApproximateNumberOfMessages"), "nothing dead-lettered");
        }
    }

    @Test
    void anEmulatorOutageIsRiddenOutWithNothingLost() throws IOException {
        try (TestStack t = new TestStack("outage");
             FaultProxy proxy = new FaultProxy(t.moto.endpoint());
             WorkerProcess worker = WorkerProcess.start(t.workerEnv(proxy.endpoint()))) {
            Job first = t.submit("outage-1", "uploads/harbour.png", "styles/swirls.png", TestStack.small(80, 10), 1);
            Job second = t.submit("outage-2", "uploads/harbour.png", "styles/swirls.png", TestStack.small(20, 10), 1);
            TestStack.await("the first job to run", () -> t.ledger.status(first.jobId())
                    .filter(s -> s.step() != null && s.step() >= 12).isPresent(), LONG, worker::log);
            proxy.fail(FaultProxy.Mode.UNAVAILABLE); // S3 and SQS answer 503 …
            TestStack.sleep(Duration.ofSeconds(5));
            proxy.fail(FaultProxy.Mode.RESET);       // … then drop every connection
            TestStack.sleep(Duration.ofSeconds(5));
            proxy.pass();

            for (Job job : List.of(first, second)) {
                Outcome outcome = t.awaitOutcome(job.jobId(), LONG, worker::log);
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
            }
            assertTrue(proxy.failed.get() > 0, "the outage was felt");
            assertTrue(worker.isAlive(), "the worker rode it out");
            TestStack.await("the queue to drain", () -> t.messages(t.stack.jobQueueUrl(), "ApproximateNumberOfMessages")
                    + t.messages(t.stack.jobQueueUrl(), "ApproximateNumberOfMessagesNotVisible") == 0, LONG, worker::log);
            assertEquals(0, t.messages(t.stack.deadLetterQueueUrl(), "ApproximateNumberOfMessages"));
            assertEquals(1, TestStack.count(worker.log(), "job outage-1 SUCCEEDED"), "one result");
        }
    }

    @Test
    void unusableInputsFailAtOnceAndAJobThatKeepsFailingEndsFailedThroughTheDeadLetterQueue() throws IOException {
        try (TestStack t = new TestStack("poison");
             FaultProxy proxy = new FaultProxy(t.moto.endpoint());
             LocalRunner runner = new LocalRunner(t.moto.clients(), t.stack, LocalRunner.demoDefaults());
             WorkerProcess worker = WorkerProcess.start(t.workerEnv(proxy.endpoint()))) {
            t.store.write("styles/corrupt.png", "not really a png".getBytes(), "image/png");
            t.store.write("uploads/poison.png", t.store.read("uploads/harbour.png").orElseThrow(), "image/png");
            proxy.failPaths(FaultProxy.Mode.UNAVAILABLE, request -> request.contains("uploads/poison.png"));

            Job vanished = t.submit("vanished", "uploads/deleted.png", "styles/swirls.png", TestStack.small(5, 10), 1);
            Job corrupt = t.submit("corrupt", "uploads/harbour.png", "styles/corrupt.png", TestStack.small(5, 10), 1);
            byte[] jpeg = ImageEncoder.JPEG.encode(ImageIO.read(Examples.PHOTO.toFile()));
            t.store.write("uploads/cut.jpg", Arrays.copyOf(jpeg, jpeg.length / 2), "image/jpeg");
            Job cut = t.submit("cut", "uploads/cut.jpg", "styles/swirls.png", TestStack.small(5, 10), 1);
            Instant poisoned = Instant.now();
            Job poison = t.submit("poison", "uploads/poison.png", "styles/swirls.png", TestStack.small(5, 10), 1);

            Outcome gone = t.awaitOutcome(vanished.jobId(), LONG, worker::log);
            assertEquals(JobState.FAILED, gone.status());
            assertEquals("the content image uploads/deleted.png no longer exists", gone.reason());
            Outcome truncated = t.awaitOutcome(cut.jobId(), LONG, worker::log);
            assertEquals(JobState.REJECTED, truncated.status(), "the photo itself is unusable");
            assertTrue(truncated.reason().startsWith("the content image is unusable: uploads/cut.jpg is a damaged or truncated image"),
                    truncated.reason());
            Outcome broken = t.awaitOutcome(corrupt.jobId(), LONG, worker::log);
            assertEquals(JobState.FAILED, broken.status());
            assertTrue(broken.reason().startsWith("the style image is unusable: "), broken.reason());

            Outcome deadLettered = t.awaitOutcome(poison.jobId(), LONG, worker::log);
            Duration took = Duration.between(poisoned, Instant.now());
            assertEquals(JobState.FAILED, deadLettered.status());
            assertTrue(deadLettered.reason().startsWith("gave up after "), deadLettered.reason());
            assertTrue(deadLettered.reason().contains("last error: "), deadLettered.reason());
            assertEquals(StackResources.MAX_RECEIVE_COUNT, TestStack.count(worker.log(), "job poison attempt \\d+ failed; retrying"),
                    "tried exactly maxReceiveCount times");
            // Backoff 1 + 2 + 4 + 4 s between the five attempts: no hot loop.
            assertTrue(took.compareTo(Duration.ofSeconds(10)) >= 0, "retries were spread out: " + took);
        }
    }
}
