package dev.stylize.local.lambda;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * S3 -> Lambda where the emulator can only deliver S3 notifications to a queue: each queued
 * notification (the same {@code {"Records": [...]}} document S3 hands Lambda) becomes one
 * asynchronous invocation. The notification is deleted once the invocation is settled (handled,
 * or recorded at the OnFailure destination); until then its visibility is extended, so a local
 * Lambda service that stops half-way loses nothing: the notification comes back.
 */
final class S3EventSource extends QueuePoller {
    private static final int VISIBILITY_SECONDS = 60;
    private static final int MAX_IN_FLIGHT = 20;

    private final AsyncInvoker invoker;
    private final Map<String, String> inFlight = new ConcurrentHashMap<>(); // message id -> receipt handle
    private long lastHeartbeat = System.currentTimeMillis();

    S3EventSource(String function, AsyncInvoker invoker, SqsClient sqs, String queueUrl) {
        super(function, sqs, queueUrl);
        this.invoker = invoker;
    }

    @Override
    void poll() throws InterruptedException {
        heartbeat();
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            Thread.sleep(200);
            return;
        }
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)
                .maxNumberOfMessages(10).visibilityTimeout(VISIBILITY_SECONDS)).messages();
        for (Message m : messages) {
            if (m.body().contains("\"s3:TestEvent\"")) { // sent once when notifications are configured
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                continue;
            }
            inFlight.put(m.messageId(), m.receiptHandle());
            invoker.submit(m.body().getBytes(StandardCharsets.UTF_8)).whenComplete((ok, failed) -> {
                inFlight.remove(m.messageId());
                if (failed == null) {
                    delete(m);
                }
            });
        }
    }

    private void delete(Message m) {
        try {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        } catch (RuntimeException e) {
            log.warnf("%s: notification %s handled but not deleted (%s); it will be delivered again", function,
                    m.messageId(), e.getMessage());
        }
    }

    private void heartbeat() {
        if (System.currentTimeMillis() - lastHeartbeat < VISIBILITY_SECONDS * 1000L / 3 || inFlight.isEmpty()) {
            return;
        }
        lastHeartbeat = System.currentTimeMillis();
        List<ChangeMessageVisibilityBatchRequestEntry> entries = inFlight.entrySet().stream()
                .map(e -> ChangeMessageVisibilityBatchRequestEntry.builder().id(e.getKey()).receiptHandle(e.getValue())
                        .visibilityTimeout(VISIBILITY_SECONDS).build()).toList();
        for (int i = 0; i < entries.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> chunk = entries.subList(i, Math.min(entries.size(), i + 10));
            try {
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(chunk));
            } catch (RuntimeException e) {
                log.warnf("%s: cannot extend the visibility of its notifications (%s)", function, e.getMessage());
            }
        }
    }
}
