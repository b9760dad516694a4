package dev.stylize.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.store.ObjectLinks;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routes and their answers, on a bucket in memory (the API through the real packages is JobsApiTest in the local cloud). */
class JobsApiRoutesTest {
    private static final ObjectLinks LINKS = new ObjectLinks() {
        @Override
        public URI upload(String key, Duration life) {
            return URI.create("https://bucket.example/" + key);
        }

        @Override
        public URI download(String key, Duration life) {
            return URI.create("https://bucket.example/" + key);
        }
    };

    private static JobsApi api(ObjectStore store) {
        return new JobsApi(new JobRequests(new JobLedger(store, Clock.systemUTC()), LINKS,
                IntakeSettings.of(Limits.SERVICE, Preset.QUALITY, PlanOptions.NONE), JobRequests.UPLOAD_WINDOW), false);
    }

    private static APIGatewayProxyRequestEvent request(String method, String path, String body) {
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setUserArn("arn:aws:iam::111122223333:user/alice");
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setIdentity(identity);
        context.setDomainName("api.example");
        context.setPath("/v1" + path);
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path).withBody(body).withRequestContext(context);
    }

    private static JsonNode body(APIGatewayProxyResponseEvent response) {
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        return Json.read(response.getBody(), JsonNode.class);
    }

    @Test
    void eachRouteAnswersJsonAndAnythingElseSaysWhichRoutesThereAre() {
        InMemoryObjectStore store = new InMemoryObjectStore("bucket");
        store.write("styles/swirls.png", new byte[] {1}, "image/png");
        APIGatewayProxyResponseEvent created = api(store).handle(request("POST", "/jobs", "{\"style\": \"swirls\"}"));
        assertEquals(201, created.getStatusCode());
        String jobId = body(created).get("jobId").asText();
        assertEquals("https://api.example/v1/jobs/" + jobId, created.getHeaders().get("Location"));
        assertEquals("AWAITING_UPLOAD", body(api(store).handle(request("GET", "/jobs/" + jobId, null))).get("state").asText());

        APIGatewayProxyResponseEvent put = api(store).handle(request("PUT", "/jobs/" + jobId, "{}"));
        assertEquals(405, put.getStatusCode());
        assertEquals("GET, DELETE", put.getHeaders().get("Allow"));
        assertEquals(404, api(store).handle(request("GET", "/styles", null)).getStatusCode());
        assertTrue(body(api(store).handle(request("POST", "/jobs", "{\"style\": 1}"))).get("reason").asText()
                .contains("\"style\" is a string"));
    }

    @Test
    void aBucketThatDoesNotAnswerIsSaidAsJsonNotAsAnError() {
        ObjectStore unreachable = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("bucket")) {
                        return "bucket";
                    }
                    throw SdkClientException.create("S3 unreachable");
                });
        APIGatewayProxyResponseEvent response = api(unreachable).handle(request("GET", "/jobs/some-job", null));
        assertEquals(503, response.getStatusCode());
        JsonNode answer = body(response);
        assertEquals("ServiceUnavailable", answer.get("error").asText());
        assertTrue(answer.get("reason").asText().startsWith("the service could not read or write its records; try again"),
                answer.toString());
    }
}
