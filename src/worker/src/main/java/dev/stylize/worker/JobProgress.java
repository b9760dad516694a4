package dev.stylize.worker;

import dev.stylize.engine.StepReport;
import dev.stylize.engine.StyleRun;
import dev.stylize.images.ImageEncoder;
import dev.stylize.jobs.Downsized;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.LossHistory;
import dev.stylize.plan.Scale;
import dev.stylize.plan.StylePlan;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A running job as its owner sees it: the status (speed and ETA measured over this attempt's
 * steps, the loss so far) written every few seconds, and the checkpoints the run asks for. Both
 * are handed to the job's {@link JobWrites}, so the steps never wait for S3.
 */
final class JobProgress implements StyleRun.Listener {
    private static final Logger LOG = Logger.getLogger(JobProgress.class);

    private final Job job;
    private final int attempt;
    private final JobLedger ledger;
    private final Duration interval;
    private final Clock clock;
    private final Instant began;
    private final String startedAt;
    private final JobStatus earlier;
    private final List<String> notes = new ArrayList<>();
    private LossHistory history;
    private final RunMetrics metrics;
    private final JobWrites writes;
    private final Instant receivedAt;
    private Instant lastStatus;
    /** Set by the writes' thread once a checkpoint is on record. */
    private volatile String latestCheckpoint;
    private double stepMillis;
    private int firstStep = -1;
    private double firstWork;
    private StepReport last;
    private StylePlan plan;
    private Downsized downsized;

    /**
     * @param earlier the status on record, whose loss history a resumed run continues; null for a new job
     * @param metrics this attempt's step times and checkpoint uploads
     * @param writes the job's background writes: statuses and checkpoints go through them
     * @param receivedAt when this worker took the job's message
     */
    JobProgress(Job job, int attempt, JobLedger ledger, Duration interval, Clock clock, JobStatus earlier,
                RunMetrics metrics, JobWrites writes, Instant receivedAt) {
        this.job = job;
        this.attempt = attempt;
        this.ledger = ledger;
        this.interval = interval;
        this.clock = clock;
        this.earlier = earlier;
        this.began = clock.instant();
        this.startedAt = began.toString();
        this.lastStatus = began;
        this.metrics = metrics;
        this.writes = writes;
        this.receivedAt = receivedAt;
        this.plan = job.plan();
        this.history = new LossHistory(null);
    }

    /** The run resumes from the checkpoint at {@code step}: its plot continues from there, its image is the latest. */
    void resumedFrom(int step, String imageKey) {
        latestCheckpoint = imageKey;
        history = new LossHistory(earlier == null || earlier.lossHistory() == null ? null
                : earlier.lossHistory().stream().filter(p -> p[0] <= step).toList());
    }

    /** Something a person should know about this run; it goes into the status and the outcome. */
    void note(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return notes.isEmpty() ? null : List.copyOf(notes);
    }

    /**
     * The plan this attempt runs: the job's, or a smaller one that fits the device's memory
     * ({@code downsized}, which the status keeps for later attempts and a note tells the owner).
     */
    void runs(StylePlan plan, Downsized downsized) {
        this.plan = plan;
        this.downsized = downsized;
        if (downsized != null) {
            note(downsized.reason());
        }
    }

    Downsized downsized() {
        return downsized;
    }

    /** The run is ready at its first (or resumed) step: the first status, and the baseline for speed. */
    void began(int step, int totalSteps, double work) {
        firstStep = step;
        firstWork = work;
        JobStatus status = status(JobState.RUNNING, step, totalSteps, work);
        writes.status(() -> ledger.progress(status));
    }

    @Override
    public void stepped(StyleRun run, StepReport report) {
        writes.rethrowFailure();
        last = report;
        stepMillis += report.millis();
        history.add(run.stepsDone(), report.loss());
        metrics.stepped(run.scaleIndex(), run.scale().size(), run.scaleFinished(), report.millis());
        if (Duration.between(lastStatus, clock.instant()).compareTo(interval) >= 0) {
            JobStatus status = status(JobState.RUNNING, run.stepsDone(), run.plan().totalSteps(), run.workDone());
            writes.status(() -> ledger.progress(status));
        }
    }

    /** The result is about to supersede a checkpoint at the very end, so none is taken there. */
    @Override
    public void checkpoint(StyleRun run) {
        if (run.isFinished()) {
            return;
        }
        int step = run.stepsDone();
        // The run's state is copied now, on the step's thread; encoding and uploading happen beside the next steps.
        BufferedImage image = run.image();
        byte[] state = run.snapshot();
        writes.checkpoint(() -> {
            Instant upload = clock.instant();
            latestCheckpoint = ledger.saveCheckpoint(job.jobId(), step, ImageEncoder.PNG.encode(image), state);
            metrics.checkpointUploaded(Duration.between(upload, clock.instant()));
            LOG.infof("job %s: checkpoint at step %d", job.jobId(), step);
        });
    }

    @Override
    public void scaleStarted(int index, Scale scale, BufferedImage initial) {
        LOG.infof("job %s: scale %d of %d, %dx%d, %d steps", job.jobId(), index + 1, plan.schedule().size(),
                initial.getWidth(), initial.getHeight(), scale.steps());
    }

    /**
     * Stopped early and checkpointed: the job goes back to the queue as QUEUED, where it got to on
     * record, so the next delivery knows this worker stopped in good order.
     */
    void stopped(StyleRun run) {
        metrics.stopped();
        JobStatus status = status(JobState.QUEUED, run.stepsDone(), run.plan().totalSteps(), run.workDone());
        writes.status(() -> ledger.progress(status));
        writes.flush();
    }

    /**
     * The run's last progress, as its terminal status builds on it, once every checkpoint and status
     * is written: nothing of this run lands after its end.
     */
    JobStatus finished(StyleRun run) {
        writes.flush();
        return status(JobState.RUNNING, run.stepsDone(), run.plan().totalSteps(), run.workDone());
    }

    String receivedAt() {
        return receivedAt.toString();
    }

    /** This attempt's time inside steps. */
    double stepSeconds() {
        return stepMillis / 1000.0;
    }

    StepReport lastReport() {
        return last;
    }

    String startedAt() {
        return startedAt;
    }

    double runSeconds() {
        return Duration.between(began, clock.instant()).toMillis() / 1000.0;
    }

    /** How many times a worker died while running this job, as counted when this attempt started. */
    private Integer interruptions() {
        return earlier == null ? null : earlier.interruptions();
    }

    /** Speed in steps; the ETA from the work left, as coarse-to-fine steps grow costlier. */
    JobStatus status(JobState state, int step, int totalSteps, double work) {
        lastStatus = clock.instant();
        double seconds = runSeconds();
        Double speed = step > firstStep && seconds > 0 ? (step - firstStep) / seconds : null;
        Double eta = speed == null || work <= firstWork ? null : (1 - work) * seconds / (work - firstWork);
        return new JobStatus(job.jobId(), state, step, totalSteps, last == null ? null : last.loss(),
                last == null ? null : last.contentLoss(), last == null ? null : last.styleLoss(), speed, eta,
                latestCheckpoint, attempt, null, startedAt, lastStatus.toString(), history.points(), interruptions(), notes(),
                downsized, receivedAt.toString(), stepSeconds());
    }
}
