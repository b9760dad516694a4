package dev.stylize.functions.intake;

import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.Limits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.util.Optional;

/** The function's settings, from environment variables (STYLIZE_BUCKET, STYLIZE_JOB_QUEUE_URL, …). */
@ConfigMapping(prefix = "stylize")
public interface IntakeConfig {
    String bucket();

    String jobQueueUrl();

    /** Where a request's upload deadline waits (the template's UploadDeadlineQueue). */
    String uploadDeadlineQueueUrl();

    /** How long a request made through the API waits for its photo, at most 15 minutes (shorter in tests). */
    @WithDefault("PT15M")
    java.time.Duration uploadWindow();

    /** An emulator's endpoint (moto, LocalStack); empty on AWS. */
    Optional<URI> awsEndpoint();

    @WithDefault("${AWS_REGION:us-east-1}")
    String region();

    /**
     * The largest size a job may ask, in px on its longest side (STYLIZE_MAX_JOB_SIZE, the
     * template's MaxJobSize), up to the engine's 8192: the upload limits and the job budget follow it.
     */
    @WithDefault("" + Limits.SERVICE_MAX_SIZE)
    int maxJobSize();

    /** Unset: what {@link #maxJobSize} needs ({@link Limits#maxUploadBytes}, 50 MB up to 2048 px). */
    Optional<Long> maxUploadBytes();

    /** Unset: what {@link #maxJobSize} needs ({@link Limits#maxPixels}, 40 megapixels up to 2048 px). */
    Optional<Long> maxPixels();

    /**
     * The most one job may cost, in megapixel-steps (STYLIZE_JOB_BUDGET; the template's JobBudget).
     * Unset or 0: twice a square quality job at {@link #maxJobSize} ({@link JobBudget#defaultFor}).
     */
    Optional<Double> jobBudget();

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
