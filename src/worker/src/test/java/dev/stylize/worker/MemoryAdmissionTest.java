package dev.stylize.worker;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.MemoryEstimate;
import dev.stylize.engine.TestWeights;
import dev.stylize.engine.model.Precision;
import dev.stylize.jobs.Downsized;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job checked against the device's memory before it starts: the real runner and engine on the
 * in-memory bucket, with the memory the worker may give a job set (as STYLIZE_AVAILABLE_MEMORY_MIB
 * does) to just what a 48 px result of the 384x256 example photo needs, and the job asking for 64 px.
 */
class MemoryAdmissionTest {
    private static final JobMetrics METRICS = new JobMetrics(new EmfWriter("test", Clock.systemUTC(), line -> { }));
    private static final MemoryEstimate.Profile CPU = MemoryEstimate.profile(Device.cpu(), Precision.FP32);
    private static final PlanOptions ASKED = PlanOptions.of(PlanOptions.STEPS, 3).with(PlanOptions.MAX_SIZE, 64);

    private final InMemoryObjectStore store = new InMemoryObjectStore("bucket");
    private final JobLedger ledger = new JobLedger(store, Clock.systemUTC());
    private final FakeQueue queue = new FakeQueue();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        heartbeats.shutdownNow();
        manager.close();
    }

    private Job recorded(String jobId) {
        store.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
        store.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");
        Job job = new Job(jobId, "bucket", "uploads/harbour.png", List.of(new StyleRef("styles/swirls.png", 1)), "seed",
                ASKED, Preset.SEED.plan(384, 256, ASKED), "jobs/" + jobId + ".json", ledger.now());
        ledger.record(job);
        return job;
    }

    /** Exactly what the plan at {@code size} px adds (untiled: tiles cannot help this small): anything larger does not fit. */
    private static long enoughFor(Job job, int size) {
        return CPU.jobBytes(MemoryAdmission.planAt(job, 384, 256, size), 384, 256, Long.MAX_VALUE);
    }

    private void handle(Job job, long available, boolean downsizeToFit) {
        handle(job, available, downsizeToFit, JobBudget.defaultFor(Limits.SERVICE_MAX_SIZE));
    }

    private void handle(Job job, long available, boolean downsizeToFit, JobBudget budget) {
        JobRunner runner = new JobRunner(ledger, TestWeights.weights(), Precision.FP32, manager, Duration.ofSeconds(2),
                Clock.systemUTC(), METRICS, new MemoryAdmission(CPU, () -> available, downsizeToFit), budget,
                Limits.SERVICE);
        MessageHandler handler = new MessageHandler(ledger, queue, new Settlement(queue, ledger, 10, 900, 300, METRICS), runner,
                heartbeats, "worker-1", 300, 60, new JobExpiry(Duration.ofDays(1)));
        handler.handle(FakeQueue.message(job.jobId() + "-m1", Json.compact(new JobMessage(job.jobId(), "bucket")), 1),
                () -> false);
    }

    @Test
    void aJobLargerThanTheFreeMemoryEndsFailedBeforeItStartsNamingTheLargestSizeThatFits() {
        Job job = recorded("big");
        handle(job, enoughFor(job, 48), false);
        Outcome outcome = ledger.outcome("big").orElseThrow();
        assertEquals(JobState.FAILED, outcome.status());
        assertTrue(outcome.reason().matches("a 64 px result needs about [0-9.]+ (GiB|MiB) of host memory but [0-9.]+ (GiB|MiB) is free; "
                + "the largest that fits is about 48 px on its longest side: resubmit with maxSize 48 or less"), outcome.reason());
        assertEquals(List.of("big-m1"), queue.deleted, "not retried");
        assertNull(outcome.timings().startedAt(), "never started");
        assertEquals(0, ledger.status("big").orElseThrow().step(), "not one step");
        assertTrue(store.list("results/big/checkpoints/").isEmpty() && ledger.store().read("results/big/result.png").isEmpty());
    }

    @Test
    void aJobOverTheDeploymentsBudgetEndsFailedBeforeItsFirstStepSayingWhatItWouldCost() {
        Job job = recorded("costly"); // 3 steps of 64 x 43 px: 0.008 megapixel-steps
        handle(job, Long.MAX_VALUE, false, new JobBudget(0.005));
        Outcome outcome = ledger.outcome("costly").orElseThrow();
        assertEquals(JobState.FAILED, outcome.status());
        assertEquals("the job would cost 0.008 megapixel-steps (steps × width × height / 10^6, over its 1 scale), more than "
                + "this deployment allows one job (0.005); ask for fewer steps or a smaller maxSize", outcome.reason());
        assertEquals(0, ledger.status("costly").orElseThrow().step(), "not one step");
        assertEquals(List.of("costly-m1"), queue.deleted, "not retried");
    }

    @Test
    void aPhotoReplacedSinceItWasAcceptedByOneOverTheUploadLimitIsNotRead() {
        Job job = recorded("replaced");
        store.write("uploads/harbour.png", new byte[(int) Limits.SERVICE.maxUploadBytes() + 1], "image/png");
        handle(job, Long.MAX_VALUE, false);
        Outcome outcome = ledger.outcome("replaced").orElseThrow();
        assertEquals(JobState.REJECTED, outcome.status());
        assertTrue(outcome.reason().startsWith("the content image is 52,428,801 bytes now, more than the 52,428,800"),
                outcome.reason());
    }

    /** The inputs are read ahead, on another thread, while the records are checked: what goes wrong there ends the job as before. */
    @Test
    void aPaintingGoneSinceTheJobWasAcceptedFailsItSayingWhich() {
        Job job = recorded("gone");
        store.delete("styles/swirls.png");
        handle(job, Long.MAX_VALUE, false);
        Outcome outcome = ledger.outcome("gone").orElseThrow();
        assertEquals(JobState.FAILED, outcome.status());
        assertEquals("the style image styles/swirls.png no longer exists", outcome.reason());
    }

    @Test
    void aPrintSizedJobIsAdmittedWhereTheMemoryHoldsItAndElseRefusedWithTheLargestSizeThatFits() {
        PlanOptions print = PlanOptions.of(PlanOptions.MAX_SIZE, 4096).validate(Limits.service(4096));
        Job job = new Job("print", "bucket", "uploads/print.png", List.of(new StyleRef("styles/swirls.png", 1)), "quality",
                print, Preset.QUALITY.plan(4096, 2731, print), "jobs/print.json", ledger.now());
        long enough = CPU.jobBytes(job.plan(), 4096, 2731, Long.MAX_VALUE);
        MemoryAdmission roomy = new MemoryAdmission(CPU, () -> enough, false);
        try (MemoryAdmission.Admitted admitted = roomy.admit(job, 4096, 2731, null, false, () -> false).orElseThrow()) {
            assertEquals(4096, admitted.plan().size(), "admitted at the print size");
        }
        long for1024 = CPU.jobBytes(MemoryAdmission.planAt(job, 4096, 2731, 1024), 4096, 2731, Long.MAX_VALUE);
        MemoryAdmission small = new MemoryAdmission(CPU, () -> for1024, false);
        PermanentJobFailure refused = assertThrows(PermanentJobFailure.class,
                () -> small.admit(job, 4096, 2731, null, false, () -> false));
        Matcher largest = Pattern.compile("a 4096 px result needs about .* the largest that fits is about ([0-9]+) px on its "
                + "longest side: resubmit with maxSize ([0-9]+) or less").matcher(refused.getMessage());
        assertTrue(largest.matches(), refused.getMessage());
        int fits = Integer.parseInt(largest.group(1));
        assertTrue(fits >= 1024 && fits < 4096 && largest.group(2).equals(largest.group(1)), refused.getMessage());
    }

    @Test
    void withDownsizeToFitItRunsAtTheLargestSizeThatFitsAndSaysSo() throws IOException {
        Job job = recorded("downsized");
        handle(job, enoughFor(job, 48), true);
        Outcome outcome = ledger.outcome("downsized").orElseThrow();
        assertEquals(JobState.SUCCEEDED, outcome.status(), String.valueOf(outcome.reason()));
        Downsized downsized = outcome.downsized();
        assertEquals(64, downsized.from());
        assertEquals(48, downsized.to());
        assertTrue(downsized.reason().endsWith("; run at 48 px, the largest that fits"), downsized.reason());
        assertEquals(downsized, ledger.status("downsized").orElseThrow().downsized(), "the status says so too");
        assertEquals(List.of(downsized.reason()), outcome.notes(), "and so do the notes people read");
        assertEquals(outcome.notes(), ledger.status("downsized").orElseThrow().notes());
        BufferedImage result = ImageIO.read(new ByteArrayInputStream(store.read(outcome.resultKey()).orElseThrow()));
        assertEquals(48, Math.max(result.getWidth(), result.getHeight()));
    }

    @Test
    void aJobThatFitsRunsAsAsked() throws IOException {
        Job job = recorded("fits");
        handle(job, enoughFor(job, 64), true);
        Outcome outcome = ledger.outcome("fits").orElseThrow();
        assertEquals(JobState.SUCCEEDED, outcome.status());
        assertNull(outcome.downsized());
        BufferedImage result = ImageIO.read(new ByteArrayInputStream(store.read(outcome.resultKey()).orElseThrow()));
        assertEquals(64, result.getWidth());
    }

    @Test
    void aLaterAttemptKeepsTheSizeAnEarlierOneDownsizedToAndNeverChangesTheSizeOfACheckpoint() {
        Job job = recorded("resumed");
        Downsized earlier = new Downsized(64, 48, "earlier");
        MemoryAdmission roomy = new MemoryAdmission(CPU, () -> enoughFor(job, 64), true);
        MemoryAdmission.Admitted admitted = roomy.admit(job, 384, 256, earlier, true, () -> false).orElseThrow();
        assertEquals(48, admitted.plan().size(), "the checkpoints belong to the 48 px plan");
        assertEquals(earlier, admitted.downsized());

        MemoryAdmission tight = new MemoryAdmission(CPU, () -> enoughFor(job, 40), true);
        PermanentJobFailure e = assertThrows(PermanentJobFailure.class, () -> tight.admit(job, 384, 256, earlier, true, () -> false));
        assertTrue(e.getMessage().endsWith("the largest that fits is about 40 px on its longest side: resubmit with maxSize "
                + "40 or less"), e.getMessage());
        assertEquals(40, tight.admit(job, 384, 256, earlier, false, () -> false).orElseThrow().plan().size(), "no checkpoint yet: smaller again");
    }

    @Test
    void lbfgsHistoryCountsAtEveryScale() {
        PlanOptions options = PlanOptions.of(PlanOptions.MAX_SIZE, 512);
        long adam = CPU.jobBytes(Preset.SEED.plan(512, 512, options.with(PlanOptions.STEPS, 300)), 512, 512, Long.MAX_VALUE);
        long lbfgs = CPU.jobBytes(Preset.QUALITY.plan(512, 512, options.with(PlanOptions.STEPS, 300)), 512, 512,
                Long.MAX_VALUE);
        assertEquals(adam + 100L * 24 * 512 * 512, lbfgs, "100 (s, y) pairs of float32 images, where memory allows");
    }
}
