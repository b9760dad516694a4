package dev.stylize.worker;

import dev.stylize.engine.model.Precision;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.Limits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The worker's settings, from STYLIZE_* environment variables in the container. Typed: a value
 * that does not convert (a device or precision nobody knows) stops the worker at start-up.
 */
@ConfigMapping(prefix = "stylize")
public interface WorkerConfig {
    String bucket();

    String jobQueueUrl();

    /** An emulator's endpoint (moto, LocalStack); empty on AWS. */
    Optional<URI> awsEndpoint();

    @WithDefault("${AWS_REGION:us-east-1}")
    String region();

    /**
     * VGG19 weights: s3://bucket/key, an https URL, or a file; unset: the ImageNet weights that
     * {@code bin/stylize weights fetch} installed in {@link #cacheDir()}.
     */
    Optional<String> weights();

    /** Required for s3:// and https weights. */
    Optional<String> weightsSha256();

    @WithDefault("${user.home}/.cache/stylize")
    String cacheDir();

    /** Where the network runs. */
    enum Device {
        /** The GPU when one is visible, else the CPU. */
        AUTO,
        CPU,
        /** The GPU, and refuse to start without one: a GPU task must never run 30 times slower unnoticed. */
        GPU
    }

    @WithDefault("auto")
    Device device();

    /**
     * fp32, or bf16: VGG's convolutions in bfloat16 (tensor cores on a GPU, AVX-512 bf16 on a
     * CPU), Gram matrices, losses and the image in float32.
     */
    @WithDefault("fp32")
    Precision precision();

    /**
     * A job too large for the device's free memory runs at the largest size that fits, and says
     * so in its status and outcome ("downsized"), instead of failing with that size named.
     */
    @WithDefault("false")
    boolean downsizeToFit();

    /**
     * The memory a job may use, in MiB, instead of the device's free memory measured before each
     * job (host MemAvailable on a CPU, CUDA's free memory on a GPU): for tests, or a device shared
     * with another process.
     */
    Optional<Long> availableMemoryMib();

    /**
     * How many jobs run at once (STYLIZE_JOB_SLOTS). Unset: one on a CPU (its cores are already
     * busy with one job's steps); on a GPU as many 512 px quality jobs as its free memory holds, at
     * most {@value WorkerWiring#MAX_DEFAULT_SLOTS}.
     */
    Optional<Integer> jobSlots();

    /**
     * A job not started within this long of its acceptance ends EXPIRED when a worker receives it
     * (STYLIZE_JOB_TTL: seconds, or a duration such as 24h); keep it below the queue's retention.
     */
    @WithDefault("86400")
    Duration jobTtl();

    /**
     * The largest size a job may ask (STYLIZE_MAX_JOB_SIZE, the template's MaxJobSize, as the
     * intake's): the worker decodes photos up to the pixels that size needs ({@link Limits#maxPixels}).
     */
    @WithDefault("" + Limits.SERVICE_MAX_SIZE)
    int maxJobSize();

    /**
     * The most one job may cost, in megapixel-steps (STYLIZE_JOB_BUDGET, the template's JobBudget,
     * as the intake's): a job over it ends FAILED before its first step. Unset or 0: twice a
     * square quality job at {@link #maxJobSize} ({@link JobBudget#defaultFor}).
     */
    Optional<Double> jobBudget();

    /** How often status.json is rewritten while a job runs. */
    @WithDefault("2")
    int statusIntervalSeconds();

    /** The invisibility each heartbeat renews. */
    @WithDefault("300")
    int visibilityTimeoutSeconds();

    @WithDefault("60")
    int heartbeatSeconds();

    @WithDefault("20")
    int pollWaitSeconds();

    /** A transient failure makes the job wait base * 2^(attempt-1) seconds, at most max. */
    @WithDefault("10")
    int retryBaseSeconds();

    @WithDefault("900")
    int retryMaxSeconds();

    /** CloudWatch namespace of the metric lines (template.yaml sets one per stack). */
    @WithDefault(JobMetrics.DEFAULT_NAMESPACE)
    String metricsNamespace();

    /** Polling off: the process only serves health (for tests of the container). */
    @WithDefault("true")
    boolean polling();
}
