package dev.stylize.worker;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.CoarseToFine;
import dev.stylize.engine.InvalidInputException;
import dev.stylize.engine.OptimizationDivergedException;
import dev.stylize.engine.StepReport;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.StyleOptions;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.images.ColorTransfer;
import dev.stylize.images.ImageDecoder;
import dev.stylize.images.ImageEncoder;
import dev.stylize.images.InvalidImageException;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one job to its end, or to a checkpoint when asked to stop. Resumes from the job's
 * latest checkpoint, so work done before a crash, a spot interruption or a transient error is
 * not done again.
 */
final class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    /** How a run ended. */
    enum Ending { FINISHED, STOPPED }

    private final JobStore store;
    private final Vgg19Weights weights;
    private final Precision precision;
    private final NDManager manager;
    private final int defaultCheckpointEvery;
    private final Duration statusInterval;
    private final Clock clock;
    private final ImageDecoder decoder = new ImageDecoder();

    JobRunner(JobStore store, Vgg19Weights weights, Precision precision, NDManager manager, int defaultCheckpointEvery,
              Duration statusInterval, Clock clock) {
        this.store = store;
        this.weights = weights;
        this.precision = precision;
        this.manager = manager;
        this.defaultCheckpointEvery = defaultCheckpointEvery;
        this.statusInterval = statusInterval;
        this.clock = clock;
    }

    /**
     * @param stop polled after every step; when true the run checkpoints and returns STOPPED
     * @throws PermanentJobFailure when retrying cannot help; anything else is transient
     */
    Ending run(Job job, int attempt, BooleanSupplier stop) {
        StyleOptions options = JobSettings.styleOptions(job);
        int checkpointEvery = job.options().checkpointEvery() != null ? job.options().checkpointEvery() : defaultCheckpointEvery;
        StyleInputs originals = loadInputs(job);
        double styleScale = job.options().styleScale() == null ? 1.0 : job.options().styleScale();
        List<CoarseToFine.Scale> schedule = JobSettings.schedule(job, options, originals.content());
        CoarseToFine.Listener scaleLog = schedule.size() == 1 ? CoarseToFine.Listener.NONE : new ScaleLog(job, schedule.size());
        Optional<Integer> resumeFrom = latestCheckpoint(job.jobId());
        String startedAt = clock.instant().toString();
        try (Vgg19Features vgg = new Vgg19Features(weights, options.pooling(), precision);
             CoarseToFine run = resumeFrom.isPresent()
                ? CoarseToFine.resume(vgg, originals, styleScale, options, schedule, manager, scaleLog,
                    store.readBytes(JobLayout.checkpointStateKey(job.jobId(), resumeFrom.get())).orElseThrow())
                : CoarseToFine.start(vgg, originals, styleScale, options, schedule, manager, scaleLog)) {
            LOG.infof("job %s attempt %d: %s, %s, scales %s, precision=%s", job.jobId(), attempt,
                    resumeFrom.map(s -> "resuming at step " + s).orElse("starting"), options.withSteps(run.totalSteps()).summary(),
                    schedule, precision);
            Progress progress = new Progress(job, attempt, run, startedAt,
                    resumeFrom.map(s -> JobLayout.checkpointImageKey(job.jobId(), s)).orElse(null));
            store.writeJson(JobLayout.statusKey(job.jobId()), progress.status(null));
            StepReport last = null;
            while (!run.isFinished()) {
                if (stop.getAsBoolean()) {
                    checkpoint(job, run, progress);
                    store.writeJson(JobLayout.statusKey(job.jobId()), progress.status(last));
                    return Ending.STOPPED;
                }
                last = run.step();
                // Each scale's result is kept too: it is the next scale's start, and worth a look.
                if ((run.stepsDone() % checkpointEvery == 0 || run.scaleFinished()) && !run.isFinished()) {
                    checkpoint(job, run, progress);
                }
                if (progress.statusDue()) {
                    store.writeJson(JobLayout.statusKey(job.jobId()), progress.status(last));
                }
            }
            finish(job, run, progress, last, startedAt);
            return Ending.FINISHED;
        } catch (InvalidInputException | OptimizationDivergedException e) {
            throw new PermanentJobFailure(e.getMessage(), e);
        }
    }

    /** The photo and paintings at full size: each scale of the schedule sizes its own. */
    private StyleInputs loadInputs(Job job) {
        BufferedImage content = image(job.contentKey(), "content");
        List<BufferedImage> styles = job.styles().stream().map(s -> image(s.key(), "style")).toList();
        List<Double> weights = job.styles().stream().map(StyleRef::weight).toList();
        try {
            return new StyleInputs(content, styles, weights);
        } catch (InvalidInputException e) {
            throw new PermanentJobFailure(e.getMessage(), e);
        }
    }

    private BufferedImage image(String key, String role) {
        byte[] bytes = store.readBytes(key).orElseThrow(() -> new PermanentJobFailure(
                "the " + role + " image " + key + " no longer exists"));
        try {
            return decoder.decode(bytes, key);
        } catch (InvalidImageException e) {
            // The photo is the upload: refusing it is a rejection. A broken style is a failure.
            JobState status = role.equals("content") ? JobState.REJECTED : JobState.FAILED;
            throw new PermanentJobFailure(status, "the " + role + " image is unusable: " + e.getMessage(), e);
        }
    }

    private Optional<Integer> latestCheckpoint(String jobId) {
        return store.list(JobLayout.checkpointsPrefix(jobId)).stream()
                .map(o -> JobLayout.checkpointStep(o.key()))
                .flatMap(Optional::stream)
                .max(Comparator.naturalOrder());
    }

    /** Image first, then the state: a state key exists only when its checkpoint is complete. */
    private void checkpoint(Job job, CoarseToFine run, Progress progress) {
        int step = run.stepsDone();
        if (step == 0) {
            return;
        }
        store.put(JobLayout.checkpointImageKey(job.jobId(), step), ImageEncoder.PNG.encode(run.image()), "image/png");
        store.put(JobLayout.checkpointStateKey(job.jobId(), step), run.snapshot(), "application/octet-stream");
        progress.checkpointed(JobLayout.checkpointImageKey(job.jobId(), step));
        LOG.infof("job %s: checkpoint at step %d", job.jobId(), step);
    }

    private void finish(Job job, CoarseToFine run, Progress progress, StepReport last, String startedAt) {
        String resultKey = JobLayout.resultKey(job.jobId(), ImageEncoder.PNG.extension());
        BufferedImage result = Boolean.TRUE.equals(job.options().keepColors())
                ? ColorTransfer.keepColors(run.image(), run.content()) : run.image();
        store.put(resultKey, ImageEncoder.PNG.encode(result), ImageEncoder.PNG.contentType());
        String finishedAt = clock.instant().toString();
        Outcome outcome = new Outcome(job.jobId(), job.bucket(), JobState.SUCCEEDED, null, resultKey, job.source(),
                job.contentKey(), job.styles(), job.preset(), job.options(), run.stepsDone(),
                last == null ? null : last.loss(), weights.synthetic() ? "generated" : "imagenet",
                new Outcome.Timings(job.acceptedAt(), startedAt, finishedAt, progress.runSeconds()));
        // Written once: if a duplicate delivery finished first, its outcome stands.
        store.createJson(JobLayout.outcomeKey(job.jobId()), outcome);
        store.writeJson(JobLayout.statusKey(job.jobId()), progress.finished(last));
        LOG.infof("job %s SUCCEEDED: %d steps, loss %.4g", job.jobId(), run.stepsDone(), last == null ? 0.0 : last.loss());
    }

    /** Logs each scale of a coarse-to-fine job as it starts. */
    private record ScaleLog(Job job, int count) implements CoarseToFine.Listener {
        @Override
        public void scaleStarted(int index, CoarseToFine.Scale scale, BufferedImage initial) {
            LOG.infof("job %s: scale %d of %d, %dx%d, %d steps", job.jobId(), index + 1, count, initial.getWidth(),
                    initial.getHeight(), scale.steps());
        }
    }

    /** Speed, ETA and the status document, measured over this attempt's steps. */
    private final class Progress {
        private final Job job;
        private final int attempt;
        private final CoarseToFine run;
        private final int firstStep;
        private final double firstWork;
        private final String startedAt;
        private final Instant began = clock.instant();
        private Instant lastStatus = began;
        private String latestCheckpoint;

        Progress(Job job, int attempt, CoarseToFine run, String startedAt, String latestCheckpoint) {
            this.job = job;
            this.attempt = attempt;
            this.run = run;
            this.firstStep = run.stepsDone();
            this.firstWork = run.workDone();
            this.startedAt = startedAt;
            this.latestCheckpoint = latestCheckpoint;
        }

        boolean statusDue() {
            return Duration.between(lastStatus, clock.instant()).compareTo(statusInterval) >= 0;
        }

        void checkpointed(String key) {
            latestCheckpoint = key;
        }

        double runSeconds() {
            return Duration.between(began, clock.instant()).toMillis() / 1000.0;
        }

        JobStatus status(StepReport report) {
            return status(JobState.RUNNING, report);
        }

        JobStatus finished(StepReport report) {
            return status(JobState.SUCCEEDED, report);
        }

        /** Speed in steps; the ETA from the work left, as coarse-to-fine steps grow costlier. */
        private JobStatus status(JobState state, StepReport report) {
            lastStatus = clock.instant();
            int step = run.stepsDone();
            double work = run.workDone();
            double seconds = runSeconds();
            Double speed = step > firstStep && seconds > 0 ? (step - firstStep) / seconds : null;
            Double eta = speed == null ? null : (1 - work) * seconds / (work - firstWork);
            return new JobStatus(job.jobId(), state, step, run.totalSteps(),
                    report == null ? null : report.loss(), report == null ? null : report.contentLoss(),
                    report == null ? null : report.styleLoss(), speed, eta, latestCheckpoint, attempt, null,
                    startedAt, lastStatus.toString());
        }
    }
}
