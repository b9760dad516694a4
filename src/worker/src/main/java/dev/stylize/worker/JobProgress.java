package dev.stylize.worker;

import dev.stylize.engine.StepReport;
import dev.stylize.engine.StyleRun;
import dev.stylize.images.ImageEncoder;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.LossHistory;
import dev.stylize.plan.Scale;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A running job as its owner sees it: the status (speed and ETA measured over this attempt's
 * steps, the loss so far) written every few seconds, and the checkpoints the run asks for.
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
    private Instant lastStatus;
    private String latestCheckpoint;
    private int firstStep = -1;
    private double firstWork;
    private StepReport last;

    /**
     * @param earlier the status on record, whose loss history a resumed run continues; null for a new job
     * @param metrics this attempt's step times and checkpoint uploads
     */
    JobProgress(Job job, int attempt, JobLedger ledger, Duration interval, Clock clock, JobStatus earlier,
                RunMetrics metrics) {
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

    /** The run is ready at its first (or resumed) step: the first status, and the baseline for speed. */
    void began(int step, int totalSteps, double work) {
        firstStep = step;
        firstWork = work;
        ledger.progress(status(JobState.RUNNING, step, totalSteps, work));
    }

    @Override
    public void stepped(StyleRun run, StepReport report) {
        last = report;
        history.add(run.stepsDone(), report.loss());
        metrics.stepped(run.scaleIndex(), run.scale().size(), run.scaleFinished(), report.millis());
        if (Duration.between(lastStatus, clock.instant()).compareTo(interval) >= 0) {
            ledger.progress(status(JobState.RUNNING, run.stepsDone(), run.plan().totalSteps(), run.workDone()));
        }
    }

    /** The result is about to supersede a checkpoint at the very end, so none is taken there. */
    @Override
    public void checkpoint(StyleRun run) {
        if (run.isFinished()) {
            return;
        }
        int step = run.stepsDone();
        byte[] png = ImageEncoder.PNG.encode(run.image());
        byte[] state = run.snapshot();
        Instant upload = clock.instant();
        latestCheckpoint = ledger.saveCheckpoint(job.jobId(), step, png, state);
        metrics.checkpointUploaded(Duration.between(upload, clock.instant()));
        LOG.infof("job %s: checkpoint at step %d", job.jobId(), step);
    }

    @Override
    public void scaleStarted(int index, Scale scale, BufferedImage initial) {
        LOG.infof("job %s: scale %d of %d, %dx%d, %d steps", job.jobId(), index + 1, job.plan().schedule().size(),
                initial.getWidth(), initial.getHeight(), scale.steps());
    }

    /**
     * Stopped early and checkpointed: the job goes back to the queue as QUEUED, where it got to on
     * record, so the next delivery knows this worker stopped in good order.
     */
    void stopped(StyleRun run) {
        metrics.stopped();
        ledger.progress(status(JobState.QUEUED, run.stepsDone(), run.plan().totalSteps(), run.workDone()));
    }

    /** The run's last progress, as its terminal status builds on it. */
    JobStatus finished(StyleRun run) {
        return status(JobState.RUNNING, run.stepsDone(), run.plan().totalSteps(), run.workDone());
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
                latestCheckpoint, attempt, null, startedAt, lastStatus.toString(), history.points(), interruptions(), notes());
    }
}
