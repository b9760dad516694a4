package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.cli.Stylize;
import dev.stylize.images.ImageEncoder;
import dev.stylize.jobs.Json;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
            int latest = t.ledger.checkpoints(killed.jobId()).getFirst().step(); // newest first, as recorded before the kill

            Job reference = t.submit("uninterrupted", "uploads/harbour.png", "styles/swirls.png", TestStack.small(60, 10), 1);
            String secondLog;
            try (WorkerProcess second = WorkerProcess.start(t.workerEnv())) {
                Outcome outcome = t.awaitOutcome(killed.jobId(), LONG, second::log);
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
                Matcher resumed = Pattern.compile("job killed attempt 2: resuming at step (\\d+)").matcher(second.log());
                assertTrue(resumed.find(), "the second worker resumed from a checkpoint:\n" + second.log());
                assertEquals(latest, Integer.parseInt(resumed.group(1)), "from the latest checkpoint written before the kill");
                t.awaitOutcome(reference.jobId(), LONG, second::log);
                secondLog = second.log();
            }
            // Now and then (2 runs of this test in 82, then 2 in 119, on the 2-core machine) the two jobs end in other
            // bytes, for a cause not yet found. It is not the resume: in the last failure the two jobs' losses already
            // differed at step 2, computed by two fresh workers (`run` in 41 fresh processes gives one result). A failure
            // shows what each worker did, where the checkpoint images part and the first step whose loss differs.
            assertArrayEquals(t.store.read(JobLayout.resultKey(reference.jobId(), "png")).orElseThrow(),
                    t.store.read(JobLayout.resultKey(killed.jobId(), "png")).orElseThrow(),
                    () -> "killed and resumed gives the uninterrupted result, byte for byte; the checkpoint images that agree: "
                            + agreeingCheckpoints(t, killed, reference) + "; " + firstDifferingLoss(t, killed, reference)
                            + "\nthe first worker:\n" + jobLines(first.log())
                            + "\nthe second:\n" + jobLines(secondLog));
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
            TestStack.await("the duplicates to be settled", () -> t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessages")
                    + t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessagesNotVisible") == 0, LONG, () -> a.log() + b.log());
            String logs = a.log() + b.log();
            for (String id : jobs) {
                assertEquals(1, TestStack.count(logs, "job " + id + " attempt \\d+: starting"), "job " + id + " ran once:\n" + logs);
                assertEquals(1, TestStack.count(logs, "job " + id + " SUCCEEDED"), "one result for " + id);
            }
            assertEquals(0, t.messages(t.deadLetterQueueUrl(), "ApproximateNumberOfMessages"), "nothing dead-lettered");
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
            TestStack.await("the queue to drain", () -> t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessages")
                    + t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessagesNotVisible") == 0, LONG, worker::log);
            assertEquals(0, t.messages(t.deadLetterQueueUrl(), "ApproximateNumberOfMessages"));
            assertEquals(1, TestStack.count(worker.log(), "job outage-1 SUCCEEDED"), "one result");
        }
    }

    @Test
    void unusableInputsFailAtOnceAndAJobThatKeepsFailingEndsFailedThroughTheDeadLetterQueue() throws IOException {
        try (TestStack t = new TestStack("poison").startFunctions(); // the dead-letter function, as deployed
             FaultProxy proxy = new FaultProxy(t.moto.endpoint());
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
            assertEquals(t.maxReceiveCount(), TestStack.count(worker.log(), "job poison attempt \\d+ failed; retrying"),
                    "tried exactly maxReceiveCount times");
            // Backoff 1 + 2 + 4 + 4 s between the five attempts: no hot loop.
            assertTrue(took.compareTo(Duration.ofSeconds(10)) >= 0, "retries were spread out: " + took);
            assertEquals("FAILED", t.awaitEvent(poison.jobId(), LONG).at("/data/status").asText(), "the FAILED outcome was announced");
        }
    }

    /**
     * S3 invokes the intake asynchronously. If it fails on every attempt (here: the emulator
     * answers 503 for everything in the bucket) the event must not be lost: after the template's
     * retries it waits in the failed-events queue, and once the fault is gone {@code redrive}
     * turns it into exactly one job, one outcome and one event.
     */
    @Test
    void anUploadTheIntakeFailsOnEveryAttemptWaitsInTheFailedEventsQueueAndIsReplayedOnce() throws IOException {
        try (TestStack t = new TestStack("replay-intake");
             FaultProxy proxy = new FaultProxy(t.moto.endpoint())) {
            Map<String, String> intakeEnv = new HashMap<>(TestStack.smallIntakeDefaults(4));
            intakeEnv.put("STYLIZE_AWS_ENDPOINT", proxy.endpoint().toString());
            t.startFunctions(o -> o.environment("IntakeFunction", intakeEnv));
            proxy.failPaths(FaultProxy.Mode.UNAVAILABLE, request -> request.startsWith("/replay-intake"));
            try (WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
                t.store.write("inbox/swirls/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
                JsonNode record = awaitFailedEvent(t);
                assertTrue(record.at("/requestContext/functionArn").asText().endsWith(":function:IntakeFunction:live"), record.toString());
                assertEquals(3, record.at("/requestContext/approximateInvokeCount").asInt(), "1 attempt + MaximumRetryAttempts 2");
                assertEquals(3, t.lambda.function("IntakeFunction").describe().get("invocations"));
                assertEquals(List.of(), t.jobs("harbour-"), "no job yet");

                proxy.pass();
                redrive(t);
                Outcome outcome = t.awaitOutcomeOf("harbour-", LONG, () -> worker.log() + t.functionLogs());
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
                t.awaitEvent(outcome.jobId(), Duration.ofSeconds(30));
                TestStack.sleep(Duration.ofSeconds(3));
                assertEquals(List.of(outcome.jobId()), t.jobs("harbour-"), "exactly one job");
                assertEquals(1, t.events(outcome.jobId()).size(), "exactly one event");
                assertEquals(1, TestStack.count(worker.log(), "job " + outcome.jobId() + " SUCCEEDED"), "one result");
                assertEquals(0, t.messages(t.failedEventsUrl(), "ApproximateNumberOfMessages")
                        + t.messages(t.failedEventsUrl(), "ApproximateNumberOfMessagesNotVisible"), "the record was deleted");
            }
        }
    }

    /** The same for the notifier: an outcome whose event could not be published is announced once after redrive. */
    @Test
    void anOutcomeTheNotifierFailsOnEveryAttemptWaitsInTheFailedEventsQueueAndIsAnnouncedOnceAfterRedrive() throws IOException {
        try (TestStack t = new TestStack("replay-notifier");
             FaultProxy proxy = new FaultProxy(t.moto.endpoint())) {
            t.startFunctions(o -> o.environment("NotifierFunction", Map.of("STYLIZE_AWS_ENDPOINT", proxy.endpoint().toString())));
            proxy.failPaths(FaultProxy.Mode.UNAVAILABLE, request -> request.startsWith("/replay-notifier"));
            t.store.write("inbox/swirls/memo.jpg", "not a photo".getBytes(), "image/jpeg");
            Outcome outcome = t.awaitOutcomeOf("memo-", LONG, t::functionLogs);
            assertEquals(JobState.REJECTED, outcome.status());
            JsonNode record = awaitFailedEvent(t);
            assertTrue(record.at("/requestContext/functionArn").asText().endsWith(":function:NotifierFunction:live"), record.toString());
            assertEquals(List.of(), t.events(outcome.jobId()), "not announced yet");

            proxy.pass();
            redrive(t);
            t.awaitEvent(outcome.jobId(), Duration.ofSeconds(30));
            TestStack.sleep(Duration.ofSeconds(3));
            assertEquals(1, t.events(outcome.jobId()).size(), "exactly one event");
            assertEquals(List.of(outcome.jobId()), t.jobs("memo-"), "one job, one outcome");
            assertEquals(0, t.messages(t.failedEventsUrl(), "ApproximateNumberOfMessages"));
        }
    }

    private static JsonNode awaitFailedEvent(TestStack t) {
        TestStack.await("the event in the failed-events queue", () -> t.messages(t.failedEventsUrl(), "ApproximateNumberOfMessages") > 0,
                LONG, t::functionLogs);
        TestStack.sleep(Duration.ofSeconds(1));
        assertEquals(1, t.messages(t.failedEventsUrl(), "ApproximateNumberOfMessages"), "one record");
        Message m = t.sqs.receiveMessage(b -> b.queueUrl(t.failedEventsUrl()).visibilityTimeout(0)).messages().get(0);
        JsonNode record = Json.read(m.body(), JsonNode.class);
        assertEquals("RetriesExhausted", record.at("/requestContext/condition").asText());
        return record;
    }

    /** {@code bin/stylize redrive}, pointed at this test's emulator and Lambda service. */
    private static void redrive(TestStack t) {
        CommandLine cli = Stylize.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("redrive", "--queue-url", t.failedEventsUrl(), "--endpoint", t.moto.endpoint().toString(),
                "--lambda-endpoint", t.lambda.endpoint().toString());
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().contains("replayed 1 event(s)"), out.toString());
    }

    /** For each step of 10 to 50, whether the two jobs' checkpoint images there are the same: where they part. */
    private static String agreeingCheckpoints(TestStack t, Job a, Job b) {
        return IntStream.rangeClosed(1, 5).map(i -> i * 10).mapToObj(step -> step + "=" + Arrays.equals(
                        t.store.read(JobLayout.checkpointImageKey(a.jobId(), step)).orElse(null),
                        t.store.read(JobLayout.checkpointImageKey(b.jobId(), step)).orElse(null)))
                .collect(Collectors.joining(" "));
    }

    /**
     * The first step whose loss differs between the two jobs' recorded loss histories (a resumed job's
     * continues the one its first worker recorded), to the bit: where the two computations part.
     */
    private static String firstDifferingLoss(TestStack t, Job a, Job b) {
        List<double[]> ours = t.ledger.status(a.jobId()).map(JobStatus::lossHistory).orElse(List.of());
        Map<Integer, Double> theirs = new HashMap<>();
        t.ledger.status(b.jobId()).map(JobStatus::lossHistory).orElse(List.of()).forEach(p -> theirs.put((int) p[0], p[1]));
        return ours.stream().filter(p -> theirs.containsKey((int) p[0]) && theirs.get((int) p[0]) != p[1]).findFirst()
                .map(p -> "the losses first differ at step " + (int) p[0] + ": " + p[1] + " and " + theirs.get((int) p[0]))
                .orElse("the recorded losses agree at every step both have (" + ours.size() + " and " + theirs.size() + " steps)");
    }

    /** A worker's log lines about its jobs' attempts, scales, checkpoints and ends. */
    private static String jobLines(String log) {
        return log.lines().filter(line -> line.contains("\"jobId\"")
                && (line.contains("attempt") || line.contains("scale") || line.contains("checkpoint at") || line.contains("SUCCEEDED")))
                .collect(Collectors.joining("\n"));
    }
}
