package dev.stylize.jobs;

import java.util.List;

/**
 * An accepted job, as recorded at {@code results/<jobId>/job.json} before it is enqueued.
 * Self-contained: the worker needs nothing else to run it.
 *
 * @param source     the upload or manifest key that created the job
 * @param acceptedAt ISO-8601 instant
 */
public record Job(
        String jobId,
        String bucket,
        String contentKey,
        List<StyleRef> styles,
        String preset,
        JobOptions options,
        String source,
        String acceptedAt) {
}
