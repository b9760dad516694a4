package dev.stylize.jobs.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Json;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A temporary queue subscribed to the completion topic, to hear one job's completion event as an
 * application would; removed on close.
 */
public record CompletionEventListener(SqsClient sqs, SnsClient sns, String queueUrl, String subscriptionArn)
        implements AutoCloseable {
    public static Optional<CompletionEventListener> open(AwsClients clients, String topicArn) {
        if (topicArn == null) {
            return Optional.empty();
        }
        SqsClient sqs = clients.sqs();
        SnsClient sns = clients.sns();
        String url = sqs.createQueue(b -> b.queueName("stylize-watch-" + UUID.randomUUID().toString().substring(0, 8)))
                .queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("Policy", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},
                 "Action":"sqs:SendMessage","Resource":"%s","Condition":{"ArnEquals":{"aws:SourceArn":"%s"}}}]}"""
                .formatted(arn, topicArn))));
        String subscription = sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(arn)
                .returnSubscriptionArn(true)).subscriptionArn();
        return Optional.of(new CompletionEventListener(sqs, sns, url, subscription));
    }

    /** The event whose subject is {@code jobId}, pretty-printed, if it comes within {@code timeout}. */
    public Optional<String> await(String jobId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (var m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(2).maxNumberOfMessages(10)).messages()) {
                var envelope = Json.read(m.body(), JsonNode.class);
                String message = envelope.has("Message") ? envelope.get("Message").asText() : m.body();
                var event = Json.read(message, JsonNode.class);
                if (jobId.equals(event.path("subject").asText())) {
                    return Optional.of(event.toPrettyString());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            sns.unsubscribe(b -> b.subscriptionArn(subscriptionArn));
            sqs.deleteQueue(b -> b.queueUrl(queueUrl));
        } catch (RuntimeException e) {
            System.err.println("could not remove the temporary event queue " + queueUrl + ": " + e.getMessage());
        }
    }
}
