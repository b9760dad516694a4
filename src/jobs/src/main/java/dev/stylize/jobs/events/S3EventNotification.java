package dev.stylize.jobs.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An S3 event notification, as Lambda receives it and as S3 sends it to SQS. Only the fields
 * the service reads; S3's test event has no records.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record S3EventNotification(@JsonProperty("Records") List<Record> records) {

    public List<Record> recordsOrEmpty() {
        return records == null ? List.of() : records;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(String eventSource, String eventName, String eventTime, S3 s3) {
        /** The object key as stored: S3 URL-encodes keys in events ('+' for a space). */
        public String key() {
            return URLDecoder.decode(s3.object().key(), StandardCharsets.UTF_8);
        }

        public String bucket() {
            return s3.bucket().name();
        }

        public boolean isObjectCreated() {
            return eventName != null && eventName.startsWith("ObjectCreated:");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record S3(Bucket bucket, S3Object object) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Bucket(String name, String arn) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record S3Object(String key, Long size, String eTag, String sequencer, String versionId) {
    }
}
