package dev.stylize.jobs;

/**
 * The live {@code results/<jobId>/status.json}, rewritten every few seconds while a job runs.
 *
 * @param attempt         how many times the job has been taken from the queue
 * @param lastError       the most recent transient error, kept for the dead-letter outcome
 * @param etaSeconds      estimated time to the last step at this attempt's pace (coarse-to-fine steps
 *                        weighted by their pixels)
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
        String updatedAt) {

    public static JobStatus queued(String jobId, String at) {
        return new JobStatus(jobId, JobState.QUEUED, 0, null, null, null, null, null, null, null, 0, null, null, at);
    }
}
