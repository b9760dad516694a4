package dev.stylize.worker;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.Optional;

/** The job queue as the worker uses it: one message at a time, with explicit visibility. */
public final class JobQueue {
    private final SqsClient sqs;
    private final String url;

    public JobQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    /** Long-polls for one message; its ApproximateReceiveCount says which attempt this is. */
    public Optional<Message> receive(int waitSeconds, int visibilitySeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(waitSeconds)
                        .visibilityTimeout(visibilitySeconds)
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .messages().stream().findFirst();
    }

    public void delete(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
    }

    /** 0 releases the message at once; more keeps it hidden (heartbeat) or delays a retry (backoff). */
    public void setVisibility(Message message, int seconds) {
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()).visibilityTimeout(seconds));
    }

    public static int attempt(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 1 : Integer.parseInt(count);
    }
}
