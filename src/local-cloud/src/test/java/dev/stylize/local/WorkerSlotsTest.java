package dev.stylize.local;

import ai.djl.Device;
import dev.stylize.engine.MemoryEstimate;
import dev.stylize.engine.model.Precision;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import dev.stylize.plan.PlanOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several jobs in one worker process (STYLIZE_JOB_SLOTS), against the emulator process: they run at
 * once and give each one's bytes alone, a SIGTERM checkpoints and releases every one of them, a job
 * that does not fit the memory beside the running one waits for it instead of going back to the
 * queue, and a write held open by S3 does not hold up the steps.
 */
class WorkerSlotsTest {
    private static final Duration LONG = Duration.ofSeconds(180);
    private static final PlanOptions A = PlanOptions.of(PlanOptions.STEPS, 150).with(PlanOptions.MAX_SIZE, 48)
            .with(PlanOptions.CHECKPOINT_EVERY, 1000);
    private static final PlanOptions B = PlanOptions.of(PlanOptions.STEPS, 150).with(PlanOptions.MAX_SIZE, 56)
            .with(PlanOptions.CHECKPOINT_EVERY, 1000);

    @Test
    void twoJobsRunAtOnceSurviveASigtermAndGiveTheBytesOfEachRunAlone() throws IOException {
        try (TestStack t = new TestStack("slots")) {
            Map<String, String> one = slots(t.workerEnv(), 1);
            Map<String, String> two = slots(t.workerEnv(), 2);
            // Production visibility: only an explicit release brings a message back at once.
            two.put("STYLIZE_VISIBILITY_TIMEOUT_SECONDS", "300");
            byte[] aloneA;
            byte[] aloneB;
            try (WorkerProcess worker = WorkerProcess.start(one)) {
                aloneA = result(t, t.submit("alone-a", "uploads/harbour.png", "styles/swirls.png", A, 1), worker);
                aloneB = result(t, t.submit("alone-b", "uploads/harbour.png", "styles/swirls.png", B, 1), worker);
            }

            Job a = t.submit("together-a", "uploads/harbour.png", "styles/swirls.png", A, 1);
            Job b = t.submit("together-b", "uploads/harbour.png", "styles/swirls.png", B, 1);
            WorkerProcess first = WorkerProcess.start(two);
            TestStack.await("both jobs running at the same time", () -> running(t, a) && running(t, b), LONG, first::log);
            first.close(); // SIGTERM, waits for exit
            assertEquals(2, t.messages(t.jobQueueUrl(), "ApproximateNumberOfMessages"),
                    "both messages are back in the queue, not waiting out their visibility");
            int checkpointA = checkpoint(t, a).orElseThrow(() -> new AssertionError("no checkpoint of a: " + first.log()));
            int checkpointB = checkpoint(t, b).orElseThrow(() -> new AssertionError("no checkpoint of b: " + first.log()));
            assertTrue(t.outcome(a.jobId()).isEmpty() && t.outcome(b.jobId()).isEmpty(), "neither ended");

            try (WorkerProcess second = WorkerProcess.start(two)) {
                Outcome outcomeA = t.awaitOutcome(a.jobId(), LONG, second::log);
                Outcome outcomeB = t.awaitOutcome(b.jobId(), LONG, second::log);
                assertEquals(JobState.SUCCEEDED, outcomeA.status(), outcomeA.reason());
                assertEquals(JobState.SUCCEEDED, outcomeB.status(), outcomeB.reason());
                assertTrue(second.log().contains("resuming at step " + checkpointA)
                        && second.log().contains("resuming at step " + checkpointB), second.log());
                assertArrayEquals(aloneA, t.store.read(outcomeA.resultKey()).orElseThrow(), "a: the bytes of its run alone");
                assertArrayEquals(aloneB, t.store.read(outcomeB.resultKey()).orElseThrow(), "b: the bytes of its run alone");
            }
        }
    }

    @Test
    void aJobThatDoesNotFitBesideTheRunningOneWaitsForItWithoutGoingBackToTheQueue() throws IOException {
        try (TestStack t = new TestStack("waits")) {
            Job a = t.submit("first", "uploads/harbour.png", "styles/swirls.png", A, 1);
            // Room for one such job, not two.
            long oneJob = MemoryEstimate.profile(Device.cpu(), Precision.FP32).jobBytes(a.plan(), 384, 256, Long.MAX_VALUE);
            Map<String, String> env = slots(t.workerEnv(), 2);
            env.put("STYLIZE_AVAILABLE_MEMORY_MIB", String.valueOf((oneJob + oneJob / 2) >> 20));
            try (WorkerProcess worker = WorkerProcess.start(env)) {
                TestStack.await("the first job running", () -> running(t, a), LONG, worker::log);
                Job b = t.submit("second", "uploads/harbour.png", "styles/swirls.png",
                        PlanOptions.of(PlanOptions.STEPS, 20).with(PlanOptions.MAX_SIZE, 48), 1);
                Outcome second = t.awaitOutcome(b.jobId(), LONG, worker::log);
                Outcome first = t.outcome(a.jobId()).orElseThrow();
                assertEquals(JobState.SUCCEEDED, second.status(), second.reason());
                assertEquals(JobState.SUCCEEDED, first.status(), first.reason());
                assertTrue(worker.log().contains("job second: needs about") && worker.log().contains("waiting for them"),
                        worker.log());
                assertTrue(Instant.parse(second.timings().receivedAt()).isBefore(Instant.parse(first.timings().finishedAt())),
                        "taken while the first ran: " + second.timings() + " " + first.timings());
                assertTrue(!Instant.parse(second.timings().startedAt()).isBefore(Instant.parse(first.timings().finishedAt())),
                        "started once the first had ended: " + second.timings() + " " + first.timings());
                assertEquals(1, t.ledger.status(b.jobId()).orElseThrow().attempt(), "received once: it never went back");
            }
        }
    }

    @Test
    void stepsKeepAdvancingWhileACheckpointWriteIsHeldOpen() throws IOException {
        try (TestStack t = new TestStack("held");
             FaultProxy proxy = new FaultProxy(t.moto.endpoint())) {
            Job job = t.submit("held-job", "uploads/harbour.png", "styles/swirls.png",
                    PlanOptions.of(PlanOptions.STEPS, 200).with(PlanOptions.MAX_SIZE, 48).with(PlanOptions.CHECKPOINT_EVERY, 10), 1);
            try (WorkerProcess worker = WorkerProcess.start(t.workerEnv(proxy.endpoint()))) {
                TestStack.await("the job running", () -> running(t, job), LONG, worker::log);
                proxy.failPaths(FaultProxy.Mode.HOLD, request -> request.contains("/checkpoints/step-"));
                TestStack.await("a checkpoint upload held open", () -> proxy.held.get() > 0, LONG, worker::log);
                int before = step(t, job);
                TestStack.await("30 more steps while it is held", () -> step(t, job) >= before + 30, LONG, worker::log);
                assertTrue(proxy.held.get() > 0, "the upload was still held while the steps went on");
                proxy.pass();
                Outcome outcome = t.awaitOutcome(job.jobId(), LONG, worker::log);
                assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
                assertEquals(200, outcome.steps());
            }
        }
    }

    private static Map<String, String> slots(Map<String, String> env, int slots) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put("STYLIZE_JOB_SLOTS", String.valueOf(slots));
        return copy;
    }

    private static byte[] result(TestStack t, Job job, WorkerProcess worker) {
        Outcome outcome = t.awaitOutcome(job.jobId(), LONG, worker::log);
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        return t.store.read(outcome.resultKey()).orElseThrow();
    }

    private static boolean running(TestStack t, Job job) {
        return t.ledger.status(job.jobId()).filter(s -> s.state() == JobState.RUNNING && s.step() != null && s.step() >= 5)
                .isPresent();
    }

    private static int step(TestStack t, Job job) {
        return t.ledger.status(job.jobId()).map(JobStatus::step).orElse(0);
    }

    private static Optional<Integer> checkpoint(TestStack t, Job job) {
        List<Integer> steps = t.store.list(JobLayout.checkpointsPrefix(job.jobId())).stream()
                .map(o -> JobLayout.checkpointStep(o.key())).flatMap(Optional::stream).toList();
        return steps.stream().max(Integer::compare);
    }
}
