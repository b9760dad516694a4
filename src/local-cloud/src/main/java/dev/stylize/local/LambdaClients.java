package dev.stylize.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** The SDK's Lambda client, for AWS or (with an endpoint) for the local Lambda service. */
public final class LambdaClients {
    private LambdaClients() {
    }

    public static LambdaClient create(Optional<URI> endpoint, String region) {
        boolean configured = System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null;
        var builder = LambdaClient.builder().region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(900)).build())
                // A RequestResponse invoke lasts as long as the function (up to its timeout).
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(900)).build())
                .credentialsProvider(endpoint.isPresent() && !configured
                        ? StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))
                        : DefaultCredentialsProvider.builder().build());
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
