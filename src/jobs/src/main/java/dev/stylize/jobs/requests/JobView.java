package dev.stylize.jobs.requests;

import dev.stylize.jobs.JobState;

import java.net.URI;
import java.util.List;

/**
 * A job as its owner sees it through the API: where it is, how far it got, and links to look at.
 *
 * @param reason          why it did not succeed, once it has ended so
 * @param cancelRequested its owner asked to cancel it and it has not ended yet
 * @param resultUrl       the result, once it has succeeded (a presigned GET)
 * @param checkpointUrl   the latest checkpoint image while it runs (a presigned GET)
 */
public record JobView(String jobId, JobState state, Integer step, Integer totalSteps, Double loss, Double etaSeconds,
                      String reason, boolean cancelRequested, String requestedAt, String updatedAt, List<String> notes,
                      URI resultUrl, URI checkpointUrl) {
}
