package dev.stylize.worker;

import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.Optional;

/** The job queue as the worker uses it: one message at a time, with explicit visibility. SQS, or a fake in unit tests. */
interface JobQueue {

    /** Long-polls for one message; its ApproximateReceiveCount says which attempt this is. */
    Optional<Message> receive(int waitSeconds, int visibilitySeconds);

    void delete(Message message);

    /** 0 releases the message at once; more keeps it hidden (heartbeat) or delays a retry (backoff). */
    void setVisibility(Message message, int seconds);

    /** Which delivery of its job this message is, 1 for the first. */
    static int attempt(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 1 : Integer.parseInt(count);
    }
}
