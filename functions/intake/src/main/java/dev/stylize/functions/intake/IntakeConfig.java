package dev.stylize.functions.intake;

import dev.stylize.jobs.IntakeSettings;
import dev.stylize.images.ImageDecoder;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.plan.JobBudget;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.util.Optional;

/** The function's settings, from environment variables (STYLIZE_BUCKET, STYLIZE_JOB_QUEUE_URL, …). */
@ConfigMapping(prefix = "stylize")
public interface IntakeConfig {
    String bucket();

    String jobQueueUrl();

    /** An emulator's endpoint (moto, LocalStack); empty on AWS. */
    Optional<URI> awsEndpoint();

    @WithDefault("${AWS_REGION:us-east-1}")
    String region();

    @WithDefault("" + IntakeSettings.DEFAULT_MAX_UPLOAD_BYTES)
    long maxUploadBytes();

    @WithDefault("" + ImageDecoder.DEFAULT_MAX_PIXELS)
    long maxPixels();

    /** The most one job may cost, in megapixel-steps (STYLIZE_JOB_BUDGET; the template's JobBudget). */
    @WithDefault("" + JobBudget.DEFAULT_MEGAPIXEL_STEPS)
    double jobBudget();

    /** CloudWatch namespace of the metric lines (template.yaml sets one per stack). */
    @WithDefault(JobMetrics.DEFAULT_NAMESPACE)
    String metricsNamespace();

    /** Preset and options of inbox uploads (and of manifests that leave them out). */
    Defaults defaults();

    interface Defaults {
        @WithDefault("quality")
        String preset();

        Optional<Integer> steps();

        Optional<Integer> maxSize();

        /** Checkpoint (image + resumable state) every this many steps, unless a manifest says otherwise. */
        @WithDefault("100")
        int checkpointEvery();
    }
}
