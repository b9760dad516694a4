package dev.stylize.local;

import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.aws.AwsClients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.List;
import java.util.Map;

/**
 * Creates (or finds) the local stack's resources. Every call is idempotent and uses only
 * plain S3/SQS/SNS APIs, so it works the same on moto, LocalStack and a real AWS account.
 *
 * @param jobQueueUrl   where the intake enqueues and the worker polls
 * @param topicArn      the completion topic
 */
public record StackResources(LocalNames names, String jobQueueUrl, String deadLetterQueueUrl, String topicArn,
                             String intakeEventsUrl, String outcomeEventsUrl) {

    /** Matches template.yaml: a job goes to the dead-letter queue after this many receives. */
    public static final int MAX_RECEIVE_COUNT = 5;

    public static StackResources ensure(AwsClients clients, LocalNames names) {
        S3Client s3 = clients.s3();
        SqsClient sqs = clients.sqs();
        SnsClient sns = clients.sns();
        try {
            s3.createBucket(b -> b.bucket(names.bucket()));
        } catch (BucketAlreadyOwnedByYouException e) {
            // already there
        }
        String dlq = queue(sqs, names.deadLetterQueue(), Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600"));
        String redrive = "{\"deadLetterTargetArn\":\"" + arn(sqs, dlq) + "\",\"maxReceiveCount\":" + MAX_RECEIVE_COUNT + "}";
        String jobs = queue(sqs, names.jobQueue(), Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "300",
                QueueAttributeName.REDRIVE_POLICY, redrive));
        String intake = queue(sqs, names.intakeEvents(), Map.of());
        String outcomes = queue(sqs, names.outcomeEvents(), Map.of());
        allowBucketToSend(sqs, intake, names.bucket());
        allowBucketToSend(sqs, outcomes, names.bucket());
        String topic = sns.createTopic(b -> b.name(names.topic())).topicArn();

        // The same routing template.yaml gives the functions, with queues in their place.
        s3.putBucketNotificationConfiguration(b -> b.bucket(names.bucket()).notificationConfiguration(n -> n
                .queueConfigurations(
                        notification(arn(sqs, intake), JobLayout.INBOX, null),
                        notification(arn(sqs, intake), JobLayout.JOBS, ".json"),
                        notification(arn(sqs, outcomes), JobLayout.RESULTS, "outcome.json"))));
        return new StackResources(names, jobs, dlq, topic, intake, outcomes);
    }

    private static QueueConfiguration notification(String queueArn, String prefix, String suffix) {
        return QueueConfiguration.builder()
                .queueArn(queueArn)
                .events(Event.S3_OBJECT_CREATED)
                .filter(f -> f.key(k -> k.filterRules(suffix == null
                        ? List.of(rule("prefix", prefix))
                        : List.of(rule("prefix", prefix), rule("suffix", suffix)))))
                .build();
    }

    /** Lower-case rule names: AWS takes either case, moto only these. */
    private static FilterRule rule(String name, String value) {
        return FilterRule.builder().name(name).value(value).build();
    }

    private static String queue(SqsClient sqs, String name, Map<QueueAttributeName, String> attributes) {
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        if (!attributes.isEmpty()) {
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
        }
        return url;
    }

    public static String arn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** On AWS a queue accepts S3's notifications only if its policy says so. */
    private static void allowBucketToSend(SqsClient sqs, String queueUrl, String bucket) {
        String policy = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
                 "Action":"sqs:SendMessage","Resource":"%s",
                 "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::%s"}}}]}""".formatted(arn(sqs, queueUrl), bucket);
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
    }
}
