/**
 * The intake function: an S3 upload under {@code inbox/} or a manifest under {@code jobs/}
 * becomes a recorded, queued job, or a REJECTED outcome saying why. Checks uploads from their
 * size and first bytes, never downloading a photo. Uses {@code jobs} (records, manifests),
 * {@code plan} (the job's plan) and {@code images} (header checks); no DJL.
 */
package dev.stylize.functions.intake;
