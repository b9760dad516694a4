package dev.stylize.jobs.telemetry;

import dev.stylize.jobs.JobState;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The service's metrics: their names, units and dimensions in one place, shared by the
 * functions, the worker and {@code bin/stylize local status}; template.yaml's alarms and
 * dashboard use the same names. Each call writes one EMF line (see {@link EmfWriter}) that
 * carries the job id as a plain member, so a metric's data points lead back to their jobs.
 *
 * <p>Dimensions are few and bounded (preset, precision, a size class), because every
 * combination is a separate custom metric.
 */
public final class JobMetrics {
    /** Where the namespace comes from: template.yaml sets it per stack. */
    public static final String NAMESPACE_VARIABLE = "STYLIZE_METRICS_NAMESPACE";
    public static final String DEFAULT_NAMESPACE = "stylize";

    public static final String JOBS_ACCEPTED = "JobsAccepted";
    public static final String JOBS_REJECTED = "JobsRejected";
    public static final String JOBS_SUCCEEDED = "JobsSucceeded";
    public static final String JOBS_FAILED = "JobsFailed";
    /** Jobs not started within their time to live: a queue that waited too long, or too few workers. */
    public static final String JOBS_EXPIRED = "JobsExpired";
    /** Jobs their owner cancelled through the API. */
    public static final String JOBS_CANCELLED = "JobsCancelled";
    /** From the intake's acceptance to the worker's first start of the job. */
    public static final String QUEUE_WAIT = "QueueWaitSeconds";
    /** One attempt's run, inputs to result, for a job that succeeded. */
    public static final String RUN = "RunSeconds";
    /**
     * A succeeded job's last attempt outside its steps, from the worker taking the message to the end
     * (reading, decoding, start-up, writes, waits): what a busy GPU should not spend.
     */
    public static final String NON_STEP = "NonStepSeconds";
    /** The median step of one scale of a run. */
    public static final String STEP = "StepSeconds";
    public static final String CHECKPOINT_UPLOAD = "CheckpointUploadSeconds";

    public static final String PRESET = "Preset";
    public static final String PRECISION = "Precision";
    public static final String SIZE = "Size";

    /** Every metric this class writes, for readers of the lines. */
    public static final List<String> NAMES = List.of(JOBS_ACCEPTED, JOBS_REJECTED, JOBS_SUCCEEDED, JOBS_FAILED, JOBS_EXPIRED,
            JOBS_CANCELLED, QUEUE_WAIT, RUN, NON_STEP, STEP, CHECKPOINT_UPLOAD);

    /** Size classes: the smallest of these that holds a scale's longest side. */
    private static final int[] SIZE_CLASSES = {128, 256, 512, 1024, 2048, 4096, 8192};

    private static final Map<JobState, String> ENDINGS = Map.of(
            JobState.SUCCEEDED, JOBS_SUCCEEDED, JobState.FAILED, JOBS_FAILED, JobState.REJECTED, JOBS_REJECTED,
            JobState.EXPIRED, JOBS_EXPIRED, JobState.CANCELLED, JOBS_CANCELLED);

    private final EmfWriter writer;

    public JobMetrics(EmfWriter writer) {
        this.writer = writer;
    }

    public String namespace() {
        return writer.namespace();
    }

    /** The intake recorded and enqueued a job. */
    public void accepted(String jobId, String preset) {
        writer.document().metric(JOBS_ACCEPTED, 1, EmfWriter.Unit.COUNT)
                .property(JobLogging.JOB_ID, jobId).property("preset", preset).emit();
    }

    /** A job ended: SUCCEEDED, FAILED, REJECTED or EXPIRED, whoever ended it (intake, worker, dead-letter handler). */
    public void ended(String jobId, JobState state, String reason) {
        String name = ENDINGS.get(state);
        if (name == null) {
            throw new IllegalArgumentException(state + " is not an ending");
        }
        writer.document().metric(name, 1, EmfWriter.Unit.COUNT)
                .property(JobLogging.JOB_ID, jobId).property("reason", reason).emit();
    }

    public void queueWait(String jobId, double seconds) {
        writer.document().metric(QUEUE_WAIT, Math.max(0, seconds), EmfWriter.Unit.SECONDS)
                .property(JobLogging.JOB_ID, jobId).emit();
    }

    public void run(String jobId, String preset, String precision, double seconds, int steps) {
        writer.document().dimension(PRESET, preset).dimension(PRECISION, precision)
                .metric(RUN, seconds, EmfWriter.Unit.SECONDS)
                .property(JobLogging.JOB_ID, jobId).property("steps", steps).emit();
    }

    public void nonStep(String jobId, String precision, double seconds) {
        writer.document().dimension(PRECISION, precision).metric(NON_STEP, Math.max(0, seconds), EmfWriter.Unit.SECONDS)
                .property(JobLogging.JOB_ID, jobId).emit();
    }

    /**
     * @param longestSide the scale's longest side in pixels (its size class is the dimension)
     * @param seconds     the median of the scale's steps
     * @param steps       how many steps the median is of
     */
    public void step(String jobId, int longestSide, String precision, double seconds, int steps) {
        writer.document().dimension(SIZE, sizeClass(longestSide)).dimension(PRECISION, precision)
                .metric(STEP, seconds, EmfWriter.Unit.SECONDS)
                .property(JobLogging.JOB_ID, jobId).property("longestSide", longestSide).property("steps", steps).emit();
    }

    public void checkpointUpload(String jobId, double seconds) {
        writer.document().metric(CHECKPOINT_UPLOAD, seconds, EmfWriter.Unit.SECONDS)
                .property(JobLogging.JOB_ID, jobId).emit();
    }

    /** "128", "256", "512", "1024" or "2048": the smallest class that holds the longest side ("2048" for anything larger). */
    public static String sizeClass(int longestSide) {
        return String.valueOf(Arrays.stream(SIZE_CLASSES).filter(size -> longestSide <= size).findFirst()
                .orElse(SIZE_CLASSES[SIZE_CLASSES.length - 1]));
    }
}
