package dev.stylize.worker;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.StyleRun;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.engine.optim.DamagedCheckpointException;
import dev.stylize.images.ImageDecoder;
import dev.stylize.images.ResultEncoder;
import dev.stylize.images.InvalidImageException;
import dev.stylize.jobs.Checkpoint;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.UnusableCheckpointException;
import dev.stylize.jobs.store.ObjectTooLargeException;
import dev.stylize.jobs.telemetry.JobLogging;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.ResultFormat;
import dev.stylize.plan.StylePlan;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Runs one job to its end, or to a checkpoint when asked to stop. Resumes from the job's
 * latest checkpoint, so work done before a crash, a spot interruption or a transient error is
 * not done again.
 */
final class JobRunner implements MessageHandler.Runner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobLedger ledger;
    private final Vgg19Weights weights;
    private final Networks networks;
    private final Precision precision;
    private final JobMetrics metrics;
    private final NDManager manager;
    private final Duration statusInterval;
    private final Clock clock;
    private final MemoryAdmission admission;
    private final JobBudget budget;
    private final ImageDecoder decoder;
    private final long maxBytes;

    /** @param limits the deployment's: the largest image read and decoded, as its largest job size needs */
    JobRunner(JobLedger ledger, Vgg19Weights weights, Precision precision, NDManager manager, Duration statusInterval,
              Clock clock, JobMetrics metrics, MemoryAdmission admission, JobBudget budget, Limits limits) {
        this.admission = admission;
        this.budget = budget;
        this.decoder = new ImageDecoder(limits.maxPixels());
        this.maxBytes = limits.maxUploadBytes();
        this.ledger = ledger;
        this.weights = weights;
        this.networks = new Networks(weights, precision);
        this.precision = precision;
        this.metrics = metrics;
        this.manager = manager;
        this.statusInterval = statusInterval;
        this.clock = clock;
    }

    /** Downloads the job's photo and paintings on a thread of their own (see {@link InputsRead}). */
    @Override
    public InputsRead read(Job job, JobReads reads) {
        return InputsRead.start(() -> new InputsRead.Bytes(bytes(job.contentKey(), "content"),
                job.styles().stream().map(style -> bytes(style.key(), "style")).toList()), reads);
    }

    /**
     * @param inputs what {@link #read} started for this job
     * @param stop   asked before every step; when true the run checkpoints and returns STOPPED
     * @throws PermanentJobFailure when retrying cannot help (an input is gone or unusable); Settlement
     *                             decides what every error means
     */
    @Override
    public StyleRun.Ending run(Job job, InputsRead inputs, MessageHandler.Attempt attempt, BooleanSupplier stop) {
        StyleInputs originals = decode(job, inputs.get());
        // The intake checked the budget; a job.json written otherwise, or a budget lowered since, is caught here.
        budget.require(job.plan(), originals.content().getWidth(), originals.content().getHeight());
        JobStatus earlier = attempt.status();
        List<Checkpoint> recorded = attempt.checkpoints();
        Optional<MemoryAdmission.Admitted> admission = this.admission.admit(job, originals.content().getWidth(),
                originals.content().getHeight(), earlier.downsized(), !recorded.isEmpty(), stop);
        if (admission.isEmpty()) {
            LOG.infof("job %s: stopping before it started; its message goes back to the queue", job.jobId());
            return StyleRun.Ending.STOPPED;
        }
        try (MemoryAdmission.Admitted admitted = admission.get();
             JobWrites writes = new JobWrites(job.jobId())) {
            StylePlan plan = admitted.plan();
            RunMetrics runMetrics = new RunMetrics(metrics, job.jobId(), precision.name().toLowerCase(Locale.ROOT));
            JobProgress progress = new JobProgress(job, attempt.number(), ledger, statusInterval, clock, earlier, runMetrics,
                    writes, attempt.receivedAt());
            progress.runs(plan, admitted.downsized());
            Vgg19Features vgg = networks.of(plan.pooling());
            try (StyleRun run = resume(job, plan, recorded, vgg, originals, progress, admitted.budget())
                    .orElseGet(() -> StyleRun.start(vgg, originals, plan, manager, progress, admitted.budget()))) {
                LOG.infof("job %s attempt %d: %s, %s, precision=%s%s", job.jobId(), attempt.number(),
                        run.stepsDone() > 0 ? "resuming at step " + run.stepsDone() : "starting", plan.summary(), precision,
                        admitted.downsized() == null ? "" : ", downsized from " + admitted.downsized().from() + " px to fit memory");
                // A first start (first delivery, nothing resumed) ends the job's wait in the queue.
                runMetrics.started(job, attempt.number() == 1 && run.stepsDone() == 0, clock.instant());
                progress.began(run.stepsDone(), plan.totalSteps(), run.workDone());
                if (run.run(stop) == StyleRun.Ending.STOPPED) {
                    progress.stopped(run);
                    return StyleRun.Ending.STOPPED;
                }
                finish(job, run, progress, runMetrics);
                return StyleRun.Ending.FINISHED;
            }
        }
    }

    /**
     * The run resumed from the newest recorded checkpoint that is intact and fits the job, skipping
     * (and noting) any that is not: a checkpoint only saves time, it never fails a job. Empty when
     * the job starts over.
     */
    private Optional<StyleRun> resume(Job job, StylePlan plan, List<Checkpoint> recorded, Vgg19Features vgg,
                                      StyleInputs originals, JobProgress progress, MemoryBudget budget) {
        boolean skipped = false;
        for (Checkpoint checkpoint : recorded) {
            try {
                byte[] state = ledger.checkpointState(job.jobId(), checkpoint);
                StyleRun run = resumeFrom(vgg, originals, plan, checkpoint, state, progress, budget);
                progress.resumedFrom(checkpoint.step(), JobLayout.checkpointImageKey(job.jobId(), checkpoint.step()));
                if (skipped) {
                    progress.note("resumed from the checkpoint at step " + checkpoint.step());
                }
                return Optional.of(run);
            } catch (UnusableCheckpointException e) {
                LOG.warnf("job %s: %s", job.jobId(), e.getMessage());
                progress.note(e.getMessage());
                skipped = true;
            }
        }
        if (skipped) {
            progress.note("started over: no usable checkpoint");
        }
        return Optional.empty();
    }

    /** @param plan the plan the checkpoint was written by: the job's, or the size an earlier attempt downsized it to */
    private StyleRun resumeFrom(Vgg19Features vgg, StyleInputs originals, StylePlan plan, Checkpoint checkpoint,
                                byte[] state, JobProgress progress, MemoryBudget budget) {
        try {
            StyleRun run = StyleRun.resume(vgg, originals, plan, manager, progress, state, budget);
            if (run.stepsDone() != checkpoint.step()) {
                run.close();
                throw new DamagedCheckpointException("it holds step " + run.stepsDone() + ", its record says " + checkpoint.step());
            }
            return run;
        } catch (DamagedCheckpointException e) {
            throw new UnusableCheckpointException(checkpoint, e.getMessage(), e);
        } catch (EngineException e) {
            if (OutOfMemory.reason(e).isPresent()) {
                throw e; // the device, not the checkpoint: Settlement fails the job with that reason
            }
            throw new UnusableCheckpointException(checkpoint, e.getMessage(), e);
        }
    }

    /**
     * The photo and paintings at full size: each scale of the plan sizes its own. The paintings are
     * decoded beside the photo, on another thread; a photo that cannot be used is refused first.
     */
    private StyleInputs decode(Job job, InputsRead.Bytes bytes) {
        CompletableFuture<List<BufferedImage>> styles = CompletableFuture.supplyAsync(JobLogging.carried(() ->
                IntStream.range(0, job.styles().size())
                        .mapToObj(i -> image(bytes.styles().get(i), job.styles().get(i).key(), "style")).toList()));
        BufferedImage content = image(bytes.content(), job.contentKey(), "content");
        return new StyleInputs(content, JobReads.result(styles), job.styles().stream().map(StyleRef::weight).toList());
    }

    private byte[] bytes(String key, String role) {
        // The photo was judged when it was accepted; an object replaced since (an upload URL used
        // again) is judged by its size before a byte of it is read.
        try {
            return ledger.store().readAtMost(key, maxBytes).orElseThrow(() -> new PermanentJobFailure(
                    "the " + role + " image " + key + " no longer exists"));
        } catch (ObjectTooLargeException e) {
            throw new PermanentJobFailure(refusal(role), String.format(Locale.ROOT,
                    "the %s image is %,d bytes now, more than the %,d this deployment reads", role, e.size(), maxBytes), null);
        }
    }

    private BufferedImage image(byte[] bytes, String key, String role) {
        try {
            return decoder.decode(bytes, key);
        } catch (InvalidImageException e) {
            throw new PermanentJobFailure(refusal(role), "the " + role + " image is unusable: " + e.getMessage(), e);
        }
    }

    /** The photo is the upload: refusing it is a rejection. A painting that cannot be used is a failure. */
    private static JobState refusal(String role) {
        return role.equals("content") ? JobState.REJECTED : JobState.FAILED;
    }

    private void finish(Job job, StyleRun run, JobProgress progress, RunMetrics runMetrics) {
        JobStatus last = progress.finished(run); // every checkpoint and status written first
        ResultFormat format = job.options().get(PlanOptions.FORMAT).orElse(ResultFormat.PNG);
        byte[] encoded = format.sixteenBits() ? ResultEncoder.encode(format, run.resultFloats())
                : ResultEncoder.encode(format, run.result());
        String resultKey = ledger.saveResult(job.jobId(), encoded, format);
        Double loss = progress.lastReport() == null ? null : progress.lastReport().loss();
        Outcome outcome = new Outcome(job.jobId(), job.bucket(), JobState.SUCCEEDED, null, resultKey, job.source(),
                job.contentKey(), job.styles(), job.preset(), job.options(), run.stepsDone(), loss,
                weights.synthetic() ? "generated" : "imagenet",
                new Outcome.Timings(job.acceptedAt(), progress.receivedAt(), progress.startedAt(), ledger.now(),
                        progress.runSeconds(), progress.stepSeconds()),
                progress.notes(), progress.downsized());
        // Ended once: if a duplicate delivery finished first, its outcome (and its metric) stands.
        if (ledger.end(outcome, last)) {
            runMetrics.succeeded(job.preset(), progress.runSeconds(), run.stepsDone(), outcome.timings());
        }
        LOG.infof("job %s SUCCEEDED: %d steps, loss %.4g", job.jobId(), run.stepsDone(), loss == null ? 0.0 : loss);
    }
}
