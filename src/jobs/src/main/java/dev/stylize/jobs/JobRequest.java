package dev.stylize.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job asked for through the API, {@code requests/<jobId>/request.json}: written once, before its
 * photo is uploaded; the intake makes the job from it when the photo arrives.
 *
 * @param owner       the caller's identity (an IAM user or role ARN, or locally an access key id);
 *                    only this caller sees or cancels the job
 * @param body        what the caller asked, as {@link Manifest#request} reads it
 * @param requestedAt ISO-8601 instant
 */
public record JobRequest(String jobId, String owner, JsonNode body, String requestedAt) {
}
