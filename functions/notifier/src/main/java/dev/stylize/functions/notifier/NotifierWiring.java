package dev.stylize.functions.notifier;

import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.aws.AwsClients;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Builds the services once per Lambda container; clients are created only when a handler needs them. */
public class NotifierWiring {
    @Produces
    @Singleton
    CompletionPublisher publisher(NotifierConfig config) {
        AwsClients clients = new AwsClients(config.awsEndpoint(), config.region());
        String topic = config.topicArn().orElseThrow(() -> new IllegalStateException(
                "STYLIZE_TOPIC_ARN is not set: the notifier needs the completion topic"));
        return new CompletionPublisher(new JobStore(clients.s3(), config.bucket()), clients.sns(), topic);
    }

    @Produces
    @Singleton
    DeadLetterService deadLetters(NotifierConfig config) {
        AwsClients clients = new AwsClients(config.awsEndpoint(), config.region());
        return new DeadLetterService(new JobStore(clients.s3(), config.bucket()), Clock.systemUTC());
    }
}
