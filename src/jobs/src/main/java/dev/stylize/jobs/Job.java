package dev.stylize.jobs;

import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.StylePlan;

import java.util.List;

/**
 * An accepted job, as recorded at {@code results/<jobId>/job.json} before it is enqueued.
 * Self-contained: the worker needs nothing else to run it.
 *
 * @param preset     the preset the plan was made from, by name
 * @param options    what the caller asked for (with the service's defaults), as they appear in events
 * @param plan       what the worker runs, made from the preset and the options at intake
 * @param source     the upload or manifest key that created the job
 * @param acceptedAt ISO-8601 instant
 */
public record Job(
        String jobId,
        String bucket,
        String contentKey,
        List<StyleRef> styles,
        String preset,
        PlanOptions options,
        StylePlan plan,
        String source,
        String acceptedAt) {
    /** A stand-in for a job whose record is gone: only its id and bucket are known. */
    public static Job missing(String jobId, String bucket) {
        return new Job(jobId, bucket, null, null, null, null, null, null, null);
    }
}
