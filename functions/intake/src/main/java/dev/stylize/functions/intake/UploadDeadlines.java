package dev.stylize.functions.intake;

import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.Json;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;

/**
 * When a request's upload window closes, its job is looked at again ({@link UploadDeadlineHandler}):
 * a message delayed by the window on a queue of its own (SQS delays up to 15 minutes, the window's
 * length), so no record waits for its photo forever and no sweep lists the bucket.
 */
public final class UploadDeadlines {
    /** The longest delay SQS gives a message. */
    static final Duration LONGEST = Duration.ofMinutes(15);

    private final SqsClient sqs;
    private final String queueUrl;
    private final Duration window;

    public UploadDeadlines(SqsClient sqs, String queueUrl, Duration window) {
        if (window.compareTo(LONGEST) > 0 || window.isNegative()) {
            throw new IllegalArgumentException("the upload window is at most " + LONGEST.toMinutes() + " minutes, got " + window);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.window = window;
    }

    void schedule(String jobId, String bucket) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).delaySeconds((int) window.toSeconds())
                .messageBody(Json.compact(new JobMessage(jobId, bucket))));
    }
}
