package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.cli.Stylize;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.JobRequest;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.testing.LambdaEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each file in test-events/ through the local Lambda service after {@code local seed-events},
 * invoked as {@code sam local invoke -e} invokes it (RequestResponse, with the event sources
 * off), with the outcome test-events/README.md documents.
 */
class TestEventsTest {
    private static TestStack t;

    @BeforeAll
    static void start() {
        t = new TestStack("stylize-local").startFunctions(o -> o.eventSources(false)); // the bucket the events name
        EventSeed.seed(t.ledger, TestStack.HOME);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void theInboxPhotoEventQueuesAJob() {
        String response = invoke("IntakeFunction", "s3-inbox-put.json");
        assertTrue(response.startsWith("\"accepted my-harbour-"), response);
        String jobId = response.substring("\"accepted ".length(), response.length() - 1);
        Job job = t.ledger.job(jobId).orElseThrow();
        assertEquals("inbox/swirls/my harbour.png", job.contentKey());
        assertEquals("quality", job.preset(), "the deployed default");
        assertEquals(JobState.QUEUED, t.ledger.status(jobId).orElseThrow().state());
        assertTrue(queued().contains(new JobMessage(jobId, "stylize-local")));
    }

    @Test
    void theManifestEventQueuesItsJob() {
        String response = invoke("IntakeFunction", "s3-manifest-put.json");
        assertTrue(response.startsWith("\"accepted harbour-blend-"), response);
        String jobId = response.substring("\"accepted ".length(), response.length() - 1);
        Job job = t.ledger.job(jobId).orElseThrow();
        assertEquals("paper", job.preset());
        assertEquals(2, job.styles().size());
        assertTrue(queued().contains(new JobMessage(jobId, "stylize-local")));
    }

    @Test
    void theOutcomeEventPublishesTheCompletionEvent() {
        assertEquals("\"published " + EventSeed.ENDED_JOB + "/SUCCEEDED\"", invoke("NotifierFunction", "s3-outcome-put.json"));
        JsonNode event = t.awaitEvent(EventSeed.ENDED_JOB, Duration.ofSeconds(10));
        assertEquals("dev.stylize.job.succeeded", event.get("type").asText());
        assertEquals("s3://stylize-local/results/" + EventSeed.ENDED_JOB + "/result.png", event.at("/data/result/uri").asText());
    }

    @Test
    void theDeadLetterEventEndsTheStuckJobFailed() {
        assertEquals("{\"batchItemFailures\":[]}", invoke("DeadLetterFunction", "sqs-dead-letter.json"));
        Outcome outcome = t.ledger.outcome(EventSeed.STUCK_JOB).orElseThrow();
        assertEquals(JobState.FAILED, outcome.status());
        assertEquals("gave up after 5 attempts; last error: " + EventSeed.LAST_ERROR, outcome.reason());
    }

    @Test
    void theApiEventMakesARequestOwnedByItsCaller() {
        JsonNode response = Json.read(invoke("ApiFunction", "api-post-job.json"), JsonNode.class);
        assertEquals(201, response.get("statusCode").asInt(), response.toString());
        JsonNode created = Json.read(response.get("body").asText(), JsonNode.class);
        String jobId = created.get("jobId").asText();
        assertEquals("https://abc123def4.execute-api.us-east-1.amazonaws.com/v1/jobs/" + jobId, created.get("statusUrl").asText());
        assertEquals("AWAITING_UPLOAD", created.get("state").asText());
        JobRequest request = Json.read(t.store.read(JobLayout.requestKey(jobId)).orElseThrow(), JobRequest.class);
        assertEquals("arn:aws:iam::123456789012:user/alice", request.owner());
    }

    /** {@code bin/stylize local invoke FUNCTION -e test-events/FILE}, against this test's service. */
    private static String invoke(String function, String file) {
        CommandLine cli = Stylize.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("local", "invoke", function, "-e", LambdaEvents.DIRECTORY.resolve(file).toString(),
                "--lambda-endpoint", t.lambda.endpoint().toString());
        assertEquals(0, code, out + "\n" + err + "\n" + t.functionLogs());
        return out.toString().trim();
    }

    private static synchronized List<JobMessage> queued() {
        List<Message> messages = t.sqs.receiveMessage(b -> b.queueUrl(t.jobQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1)
                .visibilityTimeout(0)).messages();
        return messages.stream().map(m -> Json.read(m.body(), JobMessage.class)).toList();
    }
}
