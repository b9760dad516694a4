/**
 * What the service tells its operators besides the job records: the job id in every log line's
 * context ({@link dev.stylize.jobs.telemetry.JobLogging}) and CloudWatch metrics as Embedded
 * Metric Format lines ({@link dev.stylize.jobs.telemetry.JobMetrics} names them,
 * {@link dev.stylize.jobs.telemetry.EmfWriter} writes them).
 */
package dev.stylize.jobs.telemetry;
