package dev.stylize.worker;

import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A job queue in memory that remembers how each message was settled. */
class FakeQueue implements JobQueue {
    final Deque<Message> waiting = new ArrayDeque<>();
    final List<String> deleted = new ArrayList<>();
    final Map<String, Integer> visibility = new HashMap<>();

    static Message message(String id, String body, int receiveCount) {
        return Message.builder().messageId(id).receiptHandle("receipt-" + id).body(body)
                .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, String.valueOf(receiveCount)))
                .build();
    }

    @Override
    public Optional<Message> receive(int waitSeconds, int visibilitySeconds) {
        return Optional.ofNullable(waiting.poll());
    }

    @Override
    public void delete(Message message) {
        deleted.add(message.messageId());
    }

    @Override
    public void setVisibility(Message message, int seconds) {
        visibility.put(message.messageId(), seconds);
    }
}
