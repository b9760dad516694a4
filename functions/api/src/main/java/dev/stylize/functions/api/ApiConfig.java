package dev.stylize.functions.api;

import dev.stylize.plan.Limits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** The function's settings, from environment variables (STYLIZE_BUCKET, STYLIZE_MAX_JOB_SIZE, …). */
@ConfigMapping(prefix = "stylize")
public interface ApiConfig {
    String bucket();

    /** An emulator's endpoint (moto, LocalStack); empty on AWS. */
    Optional<URI> awsEndpoint();

    @WithDefault("${AWS_REGION:us-east-1}")
    String region();

    /** The largest size a job may ask (the template's MaxJobSize), as the intake reads it. */
    @WithDefault("" + Limits.SERVICE_MAX_SIZE)
    int maxJobSize();

    /** The preset of requests that name none, as the intake's STYLIZE_DEFAULTS_PRESET. */
    @WithDefault("quality")
    String defaultsPreset();

    /** How long an upload URL lives; the intake expires a request whose photo has not come by then. */
    @WithDefault("PT15M")
    Duration uploadWindow();
}
