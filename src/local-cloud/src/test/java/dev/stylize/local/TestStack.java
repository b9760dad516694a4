package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.engine.TestWeights;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.MotoServer;
import dev.stylize.local.lambda.LocalLambda;
import dev.stylize.local.template.Template;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An emulator with template.yaml's resources, generated weights under models/, the example photo
 * under uploads/ and the example style under styles/, a subscriber queue on the completion
 * topic, and (after {@link #startFunctions}) the template's functions running from their
 * function.zip under the Lambda runtime interface client: what the pipeline tests start from.
 */
final class TestStack implements AutoCloseable {
    static final Path HOME = Path.of("../..");
    static final Path TEMPLATE = HOME.resolve("template.yaml");

    final MotoServer moto;
    final StackResources stack;
    final ObjectStore store;
    final JobLedger ledger;
    final SqsClient sqs;
    final String subscriber;
    final List<JsonNode> events = new ArrayList<>();
    LocalLambda lambda;
    private final List<Path> scratch = new ArrayList<>();

    TestStack(String prefix) {
        this(prefix, Template.read(TEMPLATE));
    }

    TestStack(String prefix, Template template) {
        moto = MotoServer.start();
        stack = StackResources.ensure(moto.clients(), new LocalNames(prefix), template);
        store = new S3ObjectStore(moto.clients().s3(), stack.names().bucket());
        ledger = new JobLedger(store, java.time.Clock.systemUTC());
        sqs = moto.clients().sqs();
        subscriber = sqs.createQueue(b -> b.queueName(prefix + "-subscriber")).queueUrl();
        moto.clients().sns().subscribe(b -> b.topicArn(topicArn()).protocol("sqs").endpoint(StackResources.arn(sqs, subscriber)));
        try {
            store.write("models/w.safetensors", Files.readAllBytes(TestWeights.file()), "application/octet-stream");
            store.write("uploads/harbour.png", Examples.bytes(Examples.PHOTO), "image/png");
            store.write("styles/swirls.png", Examples.bytes(Examples.STYLE), "image/png");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the local Lambda service with the template's settings, changed only where {@code options}
     * says (asynchronous retries 1 s apart unless it says otherwise).
     */
    TestStack startFunctions(UnaryOperator<LocalLambda.Options> options) {
        try {
            Path state = scratch(stack.names().prefix() + "-functions");
            lambda = LocalLambda.start(stack, moto.clients(), moto.endpoint(),
                    options.apply(LocalLambda.Options.defaults(HOME, state).retryBaseDelay(Duration.ofSeconds(1))));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TestStack startFunctions() {
        return startFunctions(o -> o);
    }

    /** Intake defaults that finish in seconds on a CPU, passed as the functions' environment (as --env-vars would). */
    static Map<String, String> smallIntakeDefaults(int steps) {
        return Map.of("STYLIZE_DEFAULTS_PRESET", "seed", "STYLIZE_DEFAULTS_STEPS", String.valueOf(steps),
                "STYLIZE_DEFAULTS_MAX_SIZE", "48", "STYLIZE_DEFAULTS_CHECKPOINT_EVERY", "100");
    }

    String jobQueueUrl() {
        return stack.output("JobQueueUrl");
    }

    String deadLetterQueueUrl() {
        return stack.output("JobDeadLetterQueueUrl");
    }

    String failedEventsUrl() {
        return stack.output("FailedEventsQueueUrl");
    }

    String topicArn() {
        return stack.output("CompletionTopicArn");
    }

    /** The job queue's maxReceiveCount, as template.yaml sets it. */
    int maxReceiveCount() {
        Map<?, ?> redrive = (Map<?, ?>) stack.template().properties("JobQueue").get("RedrivePolicy");
        return Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount")));
    }

    /** The worker's environment: fast heartbeats, short visibility and backoff, so faults heal in seconds. */
    Map<String, String> workerEnv(URI endpoint) {
        Map<String, String> env = new HashMap<>(Map.of(
                "STYLIZE_BUCKET", stack.names().bucket(),
                "STYLIZE_JOB_QUEUE_URL", jobQueueUrl(),
                "STYLIZE_AWS_ENDPOINT", endpoint.toString(),
                "STYLIZE_WEIGHTS", "s3://" + stack.names().bucket() + "/models/w.safetensors",
                "STYLIZE_WEIGHTS_SHA256", WeightsSource.digest(TestWeights.file()),
                "STYLIZE_POLL_WAIT_SECONDS", "1",
                "STYLIZE_VISIBILITY_TIMEOUT_SECONDS", "6",
                "STYLIZE_HEARTBEAT_SECONDS", "2",
                "STYLIZE_RETRY_BASE_SECONDS", "1",
                "STYLIZE_RETRY_MAX_SECONDS", "4"));
        try {
            env.put("STYLIZE_CACHE_DIR", scratch("weights-cache").toString());
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
        sqs.sendMessage(b -> b.queueUrl(jobQueueUrl()).messageBody(Json.compact(new JobMessage(jobId, stack.names().bucket()))));
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

    /** The ids of the jobs whose id starts with {@code prefix} (one per upload of a file of that name). */
    List<String> jobs(String prefix) {
        return store.list(dev.stylize.jobs.JobLayout.RESULTS + prefix).stream().map(o -> o.key().split("/")[1]).distinct().toList();
    }

    /** The outcome of the (first) job whose id starts with {@code prefix}. */
    Outcome awaitOutcomeOf(String prefix, Duration timeout, Supplier<String> context) {
        await("an outcome for " + prefix + "*", () -> jobs(prefix).stream().anyMatch(id -> outcome(id).isPresent()), timeout, context);
        return jobs(prefix).stream().map(this::outcome).flatMap(Optional::stream).findFirst().orElseThrow();
    }

    /** Completion events received so far (each subscriber message is kept; duplicates show as repeats). */
    synchronized List<JsonNode> events(String jobId) {
        sqs.receiveMessage(b -> b.queueUrl(subscriber).waitTimeSeconds(1).maxNumberOfMessages(10)).messages().forEach(m -> {
            JsonNode envelope = Json.read(m.body(), JsonNode.class);
            JsonNode event = Json.read(envelope.get("Message").asText(), JsonNode.class);
            if (!event.at("/data/status").asText().equals(envelope.at("/MessageAttributes/status/Value").asText())) {
                throw new AssertionError("the status attribute disagrees with the event: " + m.body());
            }
            events.add(event);
            sqs.deleteMessage(d -> d.queueUrl(subscriber).receiptHandle(m.receiptHandle()));
        });
        return events.stream().filter(e -> jobId.equals(e.path("subject").asText())).toList();
    }

    JsonNode awaitEvent(String jobId, Duration timeout) {
        await("the completion event of " + jobId, () -> !events(jobId).isEmpty(), timeout, this::functionLogs);
        return events(jobId).get(0);
    }

    /** Every function's log: what its JVM printed, with the service's START/END/REPORT lines. */
    String functionLogs() {
        if (lambda == null) {
            return "(no functions started)";
        }
        StringBuilder logs = new StringBuilder();
        lambda.functions().values().forEach(f -> {
            logs.append("==== ").append(f.describe()).append('\n');
            try {
                logs.append(Files.readString(f.log()));
            } catch (IOException e) {
                logs.append(e).append('\n');
            }
        });
        return logs.toString();
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
        try {
            if (lambda != null) {
                lambda.close();
            }
            moto.close();
        } finally {
            scratch.forEach(TestStack::deleteQuietly);
        }
    }

    /**
     * A temporary folder removed when the stack closes: the unpacked functions and each worker's
     * weights cache are 50 to 100 MB, and a test run makes dozens.
     */
    private Path scratch(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        scratch.add(dir);
        return dir;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // left for the system's temporary-file cleaning
        }
    }
}
