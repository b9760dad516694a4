package dev.stylize.functions.intake;

import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.store.S3ObjectLinks;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.plan.Limits;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Builds the service once per Lambda container from its configuration; bad defaults fail here, at start. */
public class IntakeWiring {
    @Produces
    @Singleton
    IntakeService intakeService(IntakeConfig config) {
        AwsClients clients = new AwsClients(config.awsEndpoint(), config.region());
        Limits limits = Limits.service(config.maxJobSize());
        PlanOptions defaults = PlanOptions.NONE
                .with(PlanOptions.STEPS, config.defaults().steps().orElse(null))
                .with(PlanOptions.MAX_SIZE, config.defaults().maxSize().orElse(null))
                .with(PlanOptions.CHECKPOINT_EVERY, config.defaults().checkpointEvery())
                .validate(limits);
        IntakeSettings deployed = IntakeSettings.of(limits, Preset.named(config.defaults().preset()), defaults);
        IntakeSettings settings = new IntakeSettings(limits, config.maxUploadBytes().orElse(deployed.maxUploadBytes()),
                config.maxPixels().orElse(deployed.maxPixels()), deployed.defaultPreset(), defaults,
                config.jobBudget().filter(b -> b > 0).map(JobBudget::new).orElse(deployed.jobBudget()));
        JobLedger ledger = new JobLedger(new S3ObjectStore(clients.s3(), config.bucket()), Clock.systemUTC());
        JobRequests requests = new JobRequests(ledger, new S3ObjectLinks(clients.s3Presigner(), config.bucket()), settings,
                config.uploadWindow());
        return new IntakeService(ledger, clients.sqs(), config.jobQueueUrl(), settings,
                new JobMetrics(EmfWriter.toStandardOutput(config.metricsNamespace())), requests,
                new UploadDeadlines(clients.sqs(), config.uploadDeadlineQueueUrl(), config.uploadWindow()));
    }
}
