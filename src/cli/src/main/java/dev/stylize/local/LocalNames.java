package dev.stylize.local;

/**
 * Names of the local stack's resources. The job queue, its dead-letter queue, the bucket and
 * the topic are those template.yaml creates on AWS; the two event queues and the subscriber
 * queue exist only locally, where emulators cannot run Lambda: S3 notifications go to queues
 * and {@link LocalRunner} hands them to the handler classes.
 */
public record LocalNames(String bucket, String jobQueue, String deadLetterQueue, String topic,
                         String intakeEvents, String outcomeEvents) {

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4566";

    public static LocalNames defaults() {
        return withPrefix("stylize-local");
    }

    public static LocalNames withPrefix(String prefix) {
        return new LocalNames(prefix, prefix + "-jobs", prefix + "-jobs-dlq", prefix + "-completions",
                prefix + "-intake-events", prefix + "-outcome-events");
    }
}
