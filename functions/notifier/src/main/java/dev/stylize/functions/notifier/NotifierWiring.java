package dev.stylize.functions.notifier;

import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.store.S3ObjectStore;
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
        return new CompletionPublisher(ledger(config, clients), clients.sns(), topic);
    }

    @Produces
    @Singleton
    DeadLetterService deadLetters(NotifierConfig config) {
        return new DeadLetterService(ledger(config, new AwsClients(config.awsEndpoint(), config.region())),
                new JobMetrics(EmfWriter.toStandardOutput(config.metricsNamespace())));
    }

    private static JobLedger ledger(NotifierConfig config, AwsClients clients) {
        return new JobLedger(new S3ObjectStore(clients.s3(), config.bucket()), Clock.systemUTC());
    }
}
