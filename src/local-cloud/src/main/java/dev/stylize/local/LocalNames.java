package dev.stylize.local;

/**
 * What template.yaml's resources are called locally: the bucket is the prefix itself (the
 * template's BucketName parameter), every queue and topic is {@code <prefix>-<LogicalId>}, and
 * each function with S3 events gets a queue {@code <prefix>-<LogicalId>-events} that the
 * emulator's bucket notifications fill (emulators deliver S3 events to queues, not to Lambda).
 */
public record LocalNames(String prefix) {

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4566";
    /** The local Lambda service: each function's Runtime API and the Invoke API. */
    public static final String DEFAULT_LAMBDA_ENDPOINT = "http://127.0.0.1:9001";

    public static LocalNames defaults() {
        return new LocalNames("stylize-local");
    }

    public String bucket() {
        return prefix;
    }

    public String resource(String logicalId) {
        return prefix + "-" + logicalId;
    }

    public String notificationQueue(String functionLogicalId) {
        return prefix + "-" + functionLogicalId + "-events";
    }
}
