package dev.stylize.jobs;

/** The body of a job queue message: which job, in which bucket. Everything else is in job.json. */
public record JobMessage(String jobId, String bucket) {
}
