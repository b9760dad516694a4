/**
 * The API function: {@code POST /jobs}, {@code GET /jobs/{jobId}} and {@code DELETE /jobs/{jobId}}
 * behind API Gateway's REST API with AWS_IAM authorisation, each job its caller's own. HTTP only:
 * the rules are {@code jobs}' {@link dev.stylize.jobs.requests.JobRequests}, which the intake and
 * the worker share. Writes only under {@code requests/}; no DJL, no image decoding.
 */
package dev.stylize.functions.api;
