package dev.stylize.jobs.aws;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AwsClientsTest {
    @Test
    void anExplicitEndpointWinsThenAwsEndpointUrlAsLocalStackSetsItThenAws() {
        Map<String, String> localStack = Map.of("AWS_ENDPOINT_URL", "http://localhost.localstack.cloud:4566");
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")),
                AwsClients.endpoint(Optional.of(URI.create("http://127.0.0.1:4566")), localStack));
        assertEquals(Optional.of(URI.create("http://localhost.localstack.cloud:4566")),
                AwsClients.endpoint(Optional.empty(), localStack));
        assertEquals(Optional.empty(), AwsClients.endpoint(Optional.empty(), Map.of("AWS_ENDPOINT_URL", " ")));
        assertEquals(Optional.empty(), AwsClients.endpoint(Optional.empty(), Map.of()));
    }
}
