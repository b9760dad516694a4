package dev.stylize.functions.intake;

import dev.stylize.jobs.JobOptions;
import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.aws.AwsClients;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Builds the service once per Lambda container from its configuration. */
public class IntakeWiring {
    @Produces
    @Singleton
    IntakeService intakeService(IntakeConfig config) {
        AwsClients clients = new AwsClients(config.awsEndpoint(), config.region());
        JobOptions defaults = new JobOptions(config.defaults().steps().orElse(null), config.defaults().maxSize().orElse(null),
                null, null, null, null, null, null, null, null, null, null, null).validate();
        IntakeSettings settings = new IntakeSettings(config.maxUploadBytes(), config.maxPixels(),
                config.defaults().preset(), defaults);
        return new IntakeService(new JobStore(clients.s3(), config.bucket()), clients.sqs(), config.jobQueueUrl(),
                settings, Clock.systemUTC());
    }
}
