package dev.stylize.functions.notifier;

import dev.stylize.jobs.CompletionEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.jobs.testing.LambdaEvents;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both handlers of the package against a real emulator, fed the files in test-events/. */
class NotifierTest {
    private static final String JOB = "my-harbour-4f1c2a9e7b3d"; // named by the test events
    private static MotoServer moto;
    private static JobLedger ledger;
    private static SqsClient sqs;
    private static String subscriberQueue;
    private static NotifierHandler notifier;
    private static DeadLetterHandler deadLetters;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        var s3 = moto.clients().s3();
        s3.createBucket(b -> b.bucket("stylize-local"));
        ledger = new JobLedger(new S3ObjectStore(s3, "stylize-local"), Clock.systemUTC());
        sqs = moto.clients().sqs();
        var sns = moto.clients().sns();
        String topic = sns.createTopic(b -> b.name("completions")).topicArn();
        subscriberQueue = sqs.createQueue(b -> b.queueName("subscriber")).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(subscriberQueue).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings().get("QueueArn");
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(queueArn));
        notifier = new NotifierHandler(new CompletionPublisher(ledger, sns, topic));
        deadLetters = new DeadLetterHandler(new DeadLetterService(ledger,
                new JobMetrics(EmfWriter.toStandardOutput(JobMetrics.DEFAULT_NAMESPACE))));
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @Test
    void anOutcomeBecomesACompletionEventSubscribersCanFilter() throws IOException {
        Job job = new Job(JOB, "stylize-local", "inbox/swirls/my harbour.png", List.of(new StyleRef("styles/swirls.png", 1)),
                "seed", PlanOptions.NONE, Preset.SEED.plan(48, 32, PlanOptions.NONE), "inbox/swirls/my harbour.png",
                "2026-11-24T12:00:00Z");
        ledger.record(job);
        ledger.end(new Outcome(JOB, "stylize-local", JobState.SUCCEEDED, null,
                JobLayout.resultKey(JOB, "png"), job.source(), job.contentKey(), job.styles(), job.preset(), job.options(),
                100, 12.5, "generated", new Outcome.Timings(job.acceptedAt(), "2026-11-24T12:00:01Z",
                "2026-11-24T12:01:00Z", 59.0), null));

        String result = notifier.handleRequest(event("s3-outcome-put.json"), null);
        assertEquals("published " + JOB + "/SUCCEEDED", result);

        List<Message> delivered = sqs.receiveMessage(b -> b.queueUrl(subscriberQueue).waitTimeSeconds(2)).messages();
        assertEquals(1, delivered.size());
        JsonNode envelope = Json.read(delivered.get(0).body(), JsonNode.class);
        assertEquals("SUCCEEDED", envelope.at("/MessageAttributes/status/Value").asText());
        JsonNode ce = Json.read(envelope.get("Message").asText(), JsonNode.class);
        assertEquals("1.0", ce.get("specversion").asText());
        assertEquals(JOB + "/SUCCEEDED", ce.get("id").asText());
        assertEquals("dev.stylize.job.succeeded", ce.get("type").asText());
        assertEquals("s3://stylize-local/results/" + JOB + "/result.png", ce.at("/data/result/uri").asText());
        assertEquals(100, ce.at("/data/steps").asInt());
        assertEquals("styles/swirls.png", ce.at("/data/inputs/styles/0/key").asText());
    }

    @Test
    void onlyOutcomesTheServiceWroteAreAnnouncedAndEachJobOnce() {
        var s3 = moto.clients().s3();
        // An outcome for a job nobody recorded, a non-JSON outcome, one about another job: dropped, not retried.
        Outcome forged = Outcome.rejected("fake-job", "stylize-local", "inbox/x", "made up", "2026-11-24T12:00:00Z");
        ledger.store().write(JobLayout.outcomeKey("fake-job"), Json.write(new Outcome("fake-job", "stylize-local",
                JobState.SUCCEEDED, null, null, null, null, null, null, null, 1, 1.0, "imagenet", forged.timings(), null)),
                "application/json");
        assertEquals("dropped fake-job: no such job is on record", notifier.handleRequest(outcomeEvent("fake-job"), null));
        ledger.store().write(JobLayout.outcomeKey("garbled"), "not json".getBytes(), "application/json");
        assertTrue(notifier.handleRequest(outcomeEvent("garbled"), null).startsWith("dropped garbled: its outcome.json is not an outcome"));

        Job real = new Job("real-job", "stylize-local", "uploads/p.png", List.of(), "seed", PlanOptions.NONE,
                Preset.SEED.plan(48, 32, PlanOptions.NONE), "jobs/p.json", "2026-11-24T12:00:00Z");
        ledger.record(real);
        ledger.store().write(JobLayout.outcomeKey("real-job"), Json.write(forged), "application/json");
        assertEquals("dropped real-job: its outcome.json is about fake-job in stylize-local (REJECTED), not this job",
                notifier.handleRequest(outcomeEvent("real-job"), null));

        Outcome ended = Outcome.failed(real, JobState.FAILED, "broken style", null, "2026-11-24T12:00:09Z");
        ledger.store().write(JobLayout.outcomeKey("real-job"), Json.write(ended), "application/json");
        assertEquals("published real-job/FAILED", notifier.handleRequest(outcomeEvent("real-job"), null));
        assertEquals("dropped real-job: its completion event was published already",
                notifier.handleRequest(outcomeEvent("real-job"), null), "an outcome written again announces nothing");
        assertEquals(1, sqs.receiveMessage(b -> b.queueUrl(subscriberQueue).waitTimeSeconds(2).maxNumberOfMessages(10))
                .messages().stream().filter(m -> m.body().contains("real-job")).count(), "one event for the real job");
        assertTrue(s3.listObjectsV2(b -> b.bucket("stylize-local").prefix("results/fake-job/announced")).contents().isEmpty());
    }

    private static S3Event outcomeEvent(String jobId) {
        return LambdaEvents.s3(read("s3-outcome-put.json").replace("results/my-harbour-4f1c2a9e7b3d/outcome.json",
                "results/" + jobId + "/outcome.json"));
    }

    @Test
    void aDeadLetterEndsAsAFailedOutcomeWithTheLastError() {
        String job = "dead-" + System.nanoTime();
        ledger.record(new Job(job, "stylize-local", "uploads/p.png", List.of(), "seed", PlanOptions.NONE,
                Preset.SEED.plan(48, 32, PlanOptions.NONE), "jobs/p.json", "2026-11-24T12:00:00Z"));
        ledger.progress(new JobStatus(job, JobState.RUNNING, 3, 10, null, null, null, null,
                null, null, 5, "S3 answered 503 Slow Down", null, "2026-11-24T12:00:05Z", null, null, null));
        SQSEvent event = LambdaEvents.sqs(read("sqs-dead-letter.json").replace("stuck-harbour-5e0d3b8a1c2f", job));

        assertEquals(List.of(), deadLetters.handleRequest(event, null).getBatchItemFailures());
        Outcome outcome = ledger.outcome(job).orElseThrow();
        assertEquals(JobState.FAILED, ledger.status(job).orElseThrow().state());
        assertEquals(JobState.FAILED, outcome.status());
        assertEquals("gave up after 5 attempts; last error: S3 answered 503 Slow Down", outcome.reason());
        assertEquals("jobs/p.json", outcome.source());

        deadLetters.handleRequest(event, null); // delivered again: the outcome stays the first one
        assertEquals(outcome, ledger.outcome(job).orElseThrow());
    }

    private static S3Event event(String file) {
        return LambdaEvents.s3(read(file));
    }

    private static String read(String file) {
        return LambdaEvents.read(file);
    }
}
