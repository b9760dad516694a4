package dev.stylize.worker;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.Optional;

/** The job queue on SQS. */
final class SqsJobQueue implements JobQueue {
    private final SqsClient sqs;
    private final String url;

    SqsJobQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    @Override
    public Optional<Message> receive(int waitSeconds, int visibilitySeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(waitSeconds)
                        .visibilityTimeout(visibilitySeconds)
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .messages().stream().findFirst();
    }

    @Override
    public void delete(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
    }

    @Override
    public void setVisibility(Message message, int seconds) {
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()).visibilityTimeout(seconds));
    }
}
