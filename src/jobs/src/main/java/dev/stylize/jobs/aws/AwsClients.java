package dev.stylize.jobs.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * SDK clients for AWS itself or for an emulator (moto, LocalStack) at {@code endpoint}. With
 * an endpoint, S3 uses path-style addressing and, when no credentials are configured, the
 * emulators' conventional test credentials. Without one, {@code AWS_ENDPOINT_URL} counts when
 * set: LocalStack sets it (and nothing else) in the Lambda containers it runs, and its S3
 * answers path-style requests only at that address.
 */
public final class AwsClients {
    private final Optional<URI> endpoint;
    private final Region region;

    public AwsClients(Optional<URI> endpoint, String region) {
        this.endpoint = endpoint(endpoint, System.getenv());
        this.region = Region.of(region);
    }

    /** The endpoint given, else a non-blank AWS_ENDPOINT_URL, else none (AWS). */
    static Optional<URI> endpoint(Optional<URI> given, Map<String, String> environment) {
        return given.or(() -> Optional.ofNullable(environment.get("AWS_ENDPOINT_URL"))
                .filter(s -> !s.isBlank()).map(URI::create));
    }

    /** From STYLIZE_AWS_ENDPOINT (or AWS_ENDPOINT_URL) and AWS_REGION, as scripts and containers set them. */
    public static AwsClients fromEnvironment() {
        // Without STYLIZE_AWS_ENDPOINT the constructor falls back to AWS_ENDPOINT_URL.
        Optional<URI> endpoint = Optional.ofNullable(System.getenv("STYLIZE_AWS_ENDPOINT"))
                .filter(s -> !s.isBlank()).map(URI::create);
        return new AwsClients(endpoint, Optional.ofNullable(System.getenv("AWS_REGION")).orElse("us-east-1"));
    }

    public S3Client s3() {
        return configured(S3Client.builder().httpClient(http())).forcePathStyle(endpoint.isPresent()).build();
    }

    /** Presigned URLs, path-style where {@link #s3} is (an emulator). */
    public S3Presigner s3Presigner() {
        S3Presigner.Builder builder = S3Presigner.builder().region(region).credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(endpoint.isPresent()).build());
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public SqsClient sqs() {
        return configured(SqsClient.builder().httpClient(http())).build();
    }

    public SnsClient sns() {
        return configured(SnsClient.builder().httpClient(http())).build();
    }

    /** What every service's client shares: the region, the credentials and the endpoint, if any. */
    private <B extends AwsClientBuilder<B, ?>> B configured(B builder) {
        endpoint.ifPresent(builder::endpointOverride);
        return builder.region(region).credentialsProvider(credentials());
    }

    private static SdkHttpClient http() {
        // Long polls wait 20 s: the socket timeout must be longer.
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(40))
                .build();
    }

    /** Whether these clients talk to an emulator (an endpoint is set), not to AWS itself. */
    public boolean emulated() {
        return endpoint.isPresent();
    }

    public String region() {
        return region.id();
    }

    /** Yours; with an emulator and none configured, the emulators' conventional test credentials. */
    public AwsCredentialsProvider credentials() {
        boolean configured = System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null
                || System.getProperty("aws.accessKeyId") != null;
        if (endpoint.isPresent() && !configured) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
