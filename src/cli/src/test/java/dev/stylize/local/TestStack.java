package dev.stylize.local;

import dev.stylize.engine.TestWeights;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.MotoServer;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An emulator with the stack's resources, generated weights under models/, the example photo
 * under uploads/ and the example style under styles/: what worker tests start from.
 */
final class TestStack implements AutoCloseable {

    final MotoServer moto;
    final StackResources stack;
    final ObjectStore store;
    final JobLedger ledger;
    final SqsClient sqs;

    TestStack(String prefix) {
        moto = MotoServer.start();
        stack = StackResources.ensure(moto.clients(), LocalNames.withPrefix(prefix));
        store = new S3ObjectStore(moto.clients().s3(), stack.names().bucket());
        ledger = new JobLedger(store, java.time.Clock.systemUTC());
        sqs = moto.clients().sqs();
        try {
            store.write("models/w.safetensors", Files.readAllBytes(TestWeights.file()), "application/octet-stream");
            store.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
            store.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The worker's environment: fast heartbeats, short visibility and backoff, so faults heal in seconds. */
    Map<String, String> workerEnv(URI endpoint) {
        Map<String, String> env = new HashMap<>(Map.of(
                "STYLIZE_BUCKET", stack.names().bucket(),
                "STYLIZE_JOB_QUEUE_URL", stack.jobQueueUrl(),
                "STYLIZE_AWS_ENDPOINT", endpoint.toString(),
                "STYLIZE_WEIGHTS", "s3://" + stack.names().bucket() + "/models/w.safetensors",
                "STYLIZE_WEIGHTS_SHA256", WeightsSource.digest(TestWeights.file()),
                "STYLIZE_POLL_WAIT_SECONDS", "1",
                "STYLIZE_VISIBILITY_TIMEOUT_SECONDS", "6",
                "STYLIZE_HEARTBEAT_SECONDS", "2",
                "STYLIZE_RETRY_BASE_SECONDS", "1",
                "STYLIZE_RETRY_MAX_SECONDS", "4"));
        try {
            env.put("STYLIZE_CACHE_DIR", Files.createTempDirectory("weights-cache").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    Map<String, String> workerEnv() {
        return workerEnv(moto.endpoint());
    }

    /** Records a job as the intake would (its plan made for the 384x256 example photo) and enqueues it {@code copies} times. */
    Job submit(String jobId, String contentKey, String styleKey, PlanOptions options, int copies) {
        return submit(jobId, "seed", contentKey, styleKey, options, copies);
    }

    Job submit(String jobId, String preset, String contentKey, String styleKey, PlanOptions options, int copies) {
        Job job = new Job(jobId, stack.names().bucket(), contentKey, List.of(new StyleRef(styleKey, 1.0)), preset,
                options, Preset.named(preset).plan(384, 256, options), "jobs/" + jobId + ".json", Instant.now().toString());
        ledger.record(job);
        for (int i = 0; i < copies; i++) {
            enqueue(jobId);
        }
        return job;
    }

    /** Enqueues a message for a job already recorded. */
    void enqueue(String jobId) {
        sqs.sendMessage(b -> b.queueUrl(stack.jobQueueUrl()).messageBody(Json.compact(new JobMessage(jobId, stack.names().bucket()))));
    }

    static PlanOptions small(int steps, int checkpointEvery) {
        return PlanOptions.of(PlanOptions.STEPS, steps).with(PlanOptions.MAX_SIZE, 48)
                .with(PlanOptions.CHECKPOINT_EVERY, checkpointEvery);
    }

    Optional<Outcome> outcome(String jobId) {
        return ledger.outcome(jobId);
    }

    Outcome awaitOutcome(String jobId, Duration timeout, Supplier<String> context) {
        await("the outcome of " + jobId, () -> outcome(jobId).isPresent(), timeout, context);
        return outcome(jobId).orElseThrow();
    }

    int messages(String queueUrl, String attribute) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings(attribute))
                .attributesAsStrings().get(attribute));
    }

    static void await(String what, Supplier<Boolean> condition, Duration timeout, Supplier<String> context) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what + "\n" + context.get());
            }
            sleep(Duration.ofMillis(200));
        }
    }

    /** How many times {@code regex} occurs in {@code text} (a worker's log, say). */
    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        moto.close();
    }
}
