/**
 * A job's records and the bucket's layout, shared by the functions, the worker and the command
 * line: {@link dev.stylize.jobs.JobLedger} owns everything under {@code results/<jobId>/};
 * {@link dev.stylize.jobs.Manifest} reads and checks manifests. Uses {@code plan}; no DJL.
 */
package dev.stylize.jobs;
