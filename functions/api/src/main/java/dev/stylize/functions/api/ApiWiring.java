package dev.stylize.functions.api;

import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.store.S3ObjectLinks;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Builds the API once per Lambda container from its configuration. */
public class ApiWiring {
    @Produces
    @Singleton
    JobsApi api(ApiConfig config) {
        AwsClients clients = new AwsClients(config.awsEndpoint(), config.region());
        JobLedger ledger = new JobLedger(new S3ObjectStore(clients.s3(), config.bucket()), Clock.systemUTC());
        IntakeSettings settings = IntakeSettings.of(Limits.service(config.maxJobSize()), Preset.named(config.defaultsPreset()),
                PlanOptions.NONE);
        return new JobsApi(new JobRequests(ledger, new S3ObjectLinks(clients.s3Presigner(), config.bucket()), settings,
                config.uploadWindow()), clients.emulated());
    }
}
