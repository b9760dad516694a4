package dev.stylize.jobs;

import java.util.List;

/**
 * The live {@code results/<jobId>/status.json}, rewritten every few seconds while a job runs.
 *
 * @param attempt         how many times the job has been taken from the queue
 * @param lastError       the most recent transient error, kept for the dead-letter outcome; the
 *                        reason once a job has failed or been rejected
 * @param etaSeconds      estimated time to the last step at this attempt's pace (coarse-to-fine steps
 *                        weighted by their pixels)
 * @param lossHistory     {@code [step, loss]} pairs over the run so far, at most
 *                        {@link LossHistory#MAX_POINTS}, evenly spaced
 * @param interruptions   how many times a worker died while running the job (found RUNNING by the next delivery)
 * @param notes           what a person should know about the run: a checkpoint that could not be used, a size reduced to fit
 * @param downsized       set when the worker runs the job smaller than asked to fit its memory;
 *                        later attempts run the same size, so its checkpoints stay usable
 * @param receivedAt      when this attempt's worker took the job's message from the queue
 * @param stepSeconds     this attempt's time inside optimisation steps; the rest of its time since
 *                        {@code receivedAt} went to reading, writing, waiting and starting up
 */
public record JobStatus(
        String jobId,
        JobState state,
        Integer step,
        Integer totalSteps,
        Double loss,
        Double contentLoss,
        Double styleLoss,
        Double itPerSecond,
        Double etaSeconds,
        String latestCheckpoint,
        Integer attempt,
        String lastError,
        String startedAt,
        String updatedAt,
        List<double[]> lossHistory,
        Integer interruptions,
        List<String> notes,
        Downsized downsized,
        String receivedAt,
        Double stepSeconds) {

    /** A status of a job run at the size asked, before or without a worker's measures. */
    public JobStatus(String jobId, JobState state, Integer step, Integer totalSteps, Double loss, Double contentLoss,
                     Double styleLoss, Double itPerSecond, Double etaSeconds, String latestCheckpoint, Integer attempt,
                     String lastError, String startedAt, String updatedAt, List<double[]> lossHistory,
                     Integer interruptions, List<String> notes) {
        this(jobId, state, step, totalSteps, loss, contentLoss, styleLoss, itPerSecond, etaSeconds, latestCheckpoint,
                attempt, lastError, startedAt, updatedAt, lossHistory, interruptions, notes, null, null, null);
    }

    public static JobStatus queued(String jobId, String at) {
        return new JobStatus(jobId, JobState.QUEUED, 0, null, null, null, null, null, null, null, 0, null, null, at, null,
                null, null);
    }

    public static JobStatus awaitingUpload(String jobId, String at) {
        return new JobStatus(jobId, JobState.AWAITING_UPLOAD, 0, null, null, null, null, null, null, null, 0, null, null, at,
                null, null, null);
    }

    /** A new attempt begins; a status still RUNNING means the last attempt's worker died, which is counted. */
    JobStatus started(int newAttempt, String at) {
        int died = (interruptions == null ? 0 : interruptions) + (state == JobState.RUNNING ? 1 : 0);
        return new JobStatus(jobId, JobState.RUNNING, step, totalSteps, loss, contentLoss, styleLoss, null, null,
                latestCheckpoint, newAttempt, lastError, at, at, lossHistory, died, notes, downsized, null, null);
    }

    /** Back in the queue after a transient error: where the job had got to, and the error. */
    JobStatus retrying(int attempt, String error, String at) {
        return new JobStatus(jobId, JobState.QUEUED, step, totalSteps, null, null, null, null, null, latestCheckpoint,
                attempt, error, null, at, lossHistory, interruptions, notes, downsized, receivedAt, stepSeconds);
    }

    /** The terminal status of {@code outcome}, keeping what this (the last) status knew of the run. */
    JobStatus ended(Outcome outcome) {
        boolean succeeded = outcome.status() == JobState.SUCCEEDED;
        return new JobStatus(outcome.jobId(), outcome.status(), succeeded ? outcome.steps() : step,
                succeeded ? outcome.steps() : totalSteps, succeeded ? outcome.finalLoss() : loss, contentLoss, styleLoss,
                itPerSecond, succeeded ? 0.0 : null, latestCheckpoint, attempt, outcome.reason(), startedAt,
                outcome.timings().finishedAt(), lossHistory, interruptions, outcome.notes(), downsized,
                receivedAt, succeeded && outcome.timings().stepSeconds() != null ? outcome.timings().stepSeconds() : stepSeconds);
    }
}
