package dev.stylize.jobs;

import dev.stylize.plan.PlanOptions;

import java.util.List;

/**
 * The one terminal record of a job, {@code results/<jobId>/outcome.json}. Written once; its
 * creation is what triggers the completion event.
 *
 * @param status     SUCCEEDED, FAILED, REJECTED, EXPIRED or CANCELLED
 * @param reason     why it did not succeed; null on success
 * @param resultKey  the result image, on success
 * @param source     the upload or manifest key that asked for the job
 * @param weights    "generated" when the worker ran on generated (not ImageNet) weights
 * @param notes      what a person should know about the run, e.g. a checkpoint that could not be used
 * @param downsized  set when the worker ran the job smaller than asked, to fit its memory
 */
public record Outcome(
        String jobId,
        String bucket,
        JobState status,
        String reason,
        String resultKey,
        String source,
        String contentKey,
        List<StyleRef> styles,
        String preset,
        PlanOptions options,
        Integer steps,
        Double finalLoss,
        String weights,
        Timings timings,
        List<String> notes,
        Downsized downsized) {

    /** An outcome of a job run at the size asked (or not run). */
    public Outcome(String jobId, String bucket, JobState status, String reason, String resultKey, String source,
                   String contentKey, List<StyleRef> styles, String preset, PlanOptions options, Integer steps,
                   Double finalLoss, String weights, Timings timings, List<String> notes) {
        this(jobId, bucket, status, reason, resultKey, source, contentKey, styles, preset, options, steps, finalLoss,
                weights, timings, notes, null);
    }

    /**
     * ISO-8601 instants and seconds. {@code runSeconds} is the last attempt's wall time from its start
     * (inputs loaded, memory admitted) to its result; {@code receivedAt} is when that attempt's worker
     * took the message, and {@code stepSeconds} the part of the run spent inside optimisation steps, so
     * {@code finishedAt − receivedAt − stepSeconds} is the job's time outside them (I/O, start-up, waits).
     */
    public record Timings(String acceptedAt, String receivedAt, String startedAt, String finishedAt, Double runSeconds,
                          Double stepSeconds) {
        /** Timings without a worker's measures: a job refused, or failed before or outside a run. */
        public Timings(String acceptedAt, String startedAt, String finishedAt, Double runSeconds) {
            this(acceptedAt, null, startedAt, finishedAt, runSeconds, null);
        }
    }

    public static Outcome rejected(String jobId, String bucket, String source, String reason, String at) {
        return unrecorded(jobId, bucket, JobState.REJECTED, source, reason, at);
    }

    /** A job that ended before it was recorded: refused at intake, or a request cancelled or never uploaded. */
    public static Outcome unrecorded(String jobId, String bucket, JobState status, String source, String reason, String at) {
        return new Outcome(jobId, bucket, status, reason, null, source, null, null, null, null, null, null,
                null, new Timings(null, null, at, null), null);
    }

    /**
     * A job that ended without a result: FAILED, REJECTED when the upload itself proved unusable,
     * or EXPIRED when it was not started within its time to live.
     */
    public static Outcome failed(Job job, JobState status, String reason, String startedAt, String at) {
        return new Outcome(job.jobId(), job.bucket(), status, reason, null, job.source(), job.contentKey(),
                job.styles(), job.preset(), job.options(), null, null, null,
                new Timings(job.acceptedAt(), startedAt, at, null), null);
    }
}
