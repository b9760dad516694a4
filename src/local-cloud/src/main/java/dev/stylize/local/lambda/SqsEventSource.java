package dev.stylize.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.jobs.Json;
import dev.stylize.local.template.FunctionDefinition.SqsTrigger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An SQS event source mapping: polls the queue, hands the function batches of up to BatchSize
 * messages in Lambda's event shape, then deletes what was handled. With ReportBatchItemFailures
 * the messages the response names stay (they come back after the queue's visibility timeout);
 * a function error, or a response that is not a valid list of this batch's message ids, keeps
 * the whole batch, as Lambda does.
 */
final class SqsEventSource extends QueuePoller {
    private final FunctionInstance instance;
    private final SqsTrigger trigger;
    private final String region;

    SqsEventSource(FunctionInstance instance, SqsTrigger trigger, SqsClient sqs, String queueUrl, String region) {
        super(instance.function().logicalId(), sqs, queueUrl);
        this.instance = instance;
        this.trigger = trigger;
        this.region = region;
    }

    @Override
    void poll() throws InterruptedException {
        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)
                .maxNumberOfMessages(Math.min(10, trigger.batchSize()))
                .messageSystemAttributeNamesWithStrings("All").messageAttributeNames("All")).messages();
        if (batch.isEmpty()) {
            return;
        }
        FunctionInstance.Result result;
        try {
            result = instance.invoke(event(batch).getBytes(StandardCharsets.UTF_8)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            return;
        }
        Set<String> keep = result.failed() ? ids(batch) : trigger.reportBatchItemFailures() ? failures(result, batch) : Set.of();
        List<DeleteMessageBatchRequestEntry> done = batch.stream().filter(m -> !keep.contains(m.messageId()))
                .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                .toList();
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
        if (!keep.isEmpty()) {
            log.warnf("%s: %d of %d messages stay in the queue (%s)", function, keep.size(), batch.size(),
                    result.failed() ? "function error" : "reported as failed");
        }
    }

    /** The ids a ReportBatchItemFailures response names; all of them when the response is not valid. */
    static Set<String> failures(FunctionInstance.Result result, List<Message> batch) {
        String text = result.text().trim();
        if (text.isEmpty() || text.equals("null")) {
            return Set.of();
        }
        JsonNode response;
        try {
            response = Json.read(text, JsonNode.class);
        } catch (RuntimeException e) {
            return ids(batch);
        }
        JsonNode items = response.get("batchItemFailures");
        if (items == null || items.isNull()) {
            return Set.of();
        }
        if (!items.isArray()) {
            return ids(batch);
        }
        Set<String> all = ids(batch);
        Set<String> failed = new HashSet<>();
        for (JsonNode item : items) {
            JsonNode id = item.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !all.contains(id.asText())) {
                return all;
            }
            failed.add(id.asText());
        }
        return failed;
    }

    private static Set<String> ids(List<Message> batch) {
        return batch.stream().map(Message::messageId).collect(Collectors.toSet());
    }

    /** The batch as Lambda delivers it (the developer guide's SQS event). */
    private String event(List<Message> batch) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        ArrayNode records = event.putArray("Records");
        String arn = trigger.queueArn();
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
                ObjectNode value = messageAttributes.putObject(a.getKey());
                value.put("stringValue", a.getValue().stringValue());
                value.putArray("stringListValues");
                value.putArray("binaryListValues");
                value.put("dataType", a.getValue().dataType());
            }
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", arn);
            r.put("awsRegion", region);
        }
        return Json.compact(event);
    }
}
