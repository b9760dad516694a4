package dev.stylize.functions.notifier;

import dev.stylize.jobs.telemetry.JobMetrics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.util.Optional;

/** Settings of both handlers in this package, from STYLIZE_* environment variables. */
@ConfigMapping(prefix = "stylize")
public interface NotifierConfig {
    String bucket();

    /** The completion topic; only the notifier handler needs it. */
    Optional<String> topicArn();

    Optional<URI> awsEndpoint();

    @WithDefault("${AWS_REGION:us-east-1}")
    String region();

    /** CloudWatch namespace of the metric lines (template.yaml sets one per stack). */
    @WithDefault(JobMetrics.DEFAULT_NAMESPACE)
    String metricsNamespace();
}
