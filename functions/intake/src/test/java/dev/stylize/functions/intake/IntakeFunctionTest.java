package dev.stylize.functions.intake;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.plan.PlanOptions;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The function in Quarkus's test mode, in the test JVM: Quarkus boots with the function's
 * configuration and Quarkus's mock Lambda event server (test port 8081) delivers
 * test-events/s3-inbox-put.json to the handler. The packaged function.zip under AWS's runtime
 * interface client is exercised by the local cloud's tests (src/local-cloud).
 */
@QuarkusTest
@QuarkusTestResource(EmulatorResource.class)
class IntakeFunctionTest {

    @Test
    void theInboxTestEventCreatesAJob() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:8081"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(IntakeServiceTest.read("s3-inbox-put.json")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("accepted my-harbour-"), response.body());

        String jobId = response.body().replaceAll(".*accepted (my-harbour-[0-9a-f]+).*", "$1");
        JobLedger ledger = new JobLedger(new S3ObjectStore(EmulatorResource.moto.clients().s3(), "stylize-local"),
                java.time.Clock.systemUTC());
        Job job = ledger.job(jobId).orElseThrow();
        assertEquals(8, job.options().get(PlanOptions.STEPS).orElseThrow(), "configured through stylize.defaults.steps");
    }
}
