package dev.stylize.jobs.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** An SQS event as Lambda receives it from an event source mapping. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SqsEvent(@JsonProperty("Records") List<Message> records) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String messageId, String receiptHandle, String body, Map<String, String> attributes,
                          String eventSourceARN) {
        public int receiveCount() {
            String count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
            return count == null ? 0 : Integer.parseInt(count);
        }
    }

    /** The partial-batch response: only the listed messages go back to the queue. */
    public record BatchResponse(List<ItemFailure> batchItemFailures) {
    }

    public record ItemFailure(String itemIdentifier) {
    }
}
