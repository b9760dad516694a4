package dev.stylize.cli;

import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.requests.JobView;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.aws.CompletionEventListener;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.local.JobsApiClient;
import dev.stylize.local.LocalNames;
import dev.stylize.local.StackResources;
import dev.stylize.plan.InvalidInputException;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a user of the bucket does, from the command line: drop a photo into the inbox, then
 * (with --watch) follow status.json, fetch the result and print the completion event. With
 * --api, what an application does instead: ask the jobs API for a job, upload the photo to the
 * URL it answers, follow the job there.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Uploads a photo to inbox/<style>/ (or, with --api, through the jobs API) and, with --watch, follows "
                + "the job to its result. Against the local stack by default; against a deployed stack with --bucket "
                + "(or --api URL) and AWS credentials.")
final class SubmitCommand extends Subcommand {
    @Option(names = "--content", required = true, paramLabel = "IMAGE", description = "The photo to upload.")
    Path content;

    @ArgGroup(exclusive = true, multiplicity = "1")
    StyleChoice style;

    static final class StyleChoice {
        @Option(names = "--style-name", paramLabel = "NAME", description = "A style already in styles/.")
        String name;

        @Option(names = "--style", paramLabel = "IMAGE", description = "A painting, uploaded to styles/ first.")
        Path file;
    }

    @Option(names = "--watch", description = "Follow the job: progress bar, result download, completion event.")
    boolean watch;

    @Option(names = "--api", arity = "0..1", fallbackValue = "http://127.0.0.1:9002", paramLabel = "URL",
            description = "Through the jobs API, signed with your AWS credentials: the local stack's (default) or a deployed "
                    + "stack's ApiUrl output. Takes --style-name.")
    URI api;

    @Option(names = "--preset", paramLabel = "NAME", description = "With --api: quality, seed or paper (default: the service's).")
    String preset;

    @Option(names = "--max-size", paramLabel = "PX", description = "With --api: the result's longest side, up to the deployment's MaxJobSize.")
    Integer maxSize;

    @Option(names = "--steps", paramLabel = "N", description = "With --api: optimisation steps in all.")
    Integer steps;

    @Option(names = "--format", paramLabel = "FORMAT", description = "With --api: png (default), png16, jpeg or tiff16.")
    String format;

    @Option(names = "--bucket", paramLabel = "NAME", description = "A deployed stack's bucket (default: the local stack's).")
    String bucket;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "S3/SQS/SNS endpoint (default: " + LocalNames.DEFAULT_ENDPOINT + " without --bucket, AWS with it).")
    URI endpoint;

    @Option(names = "--topic-arn", paramLabel = "ARN",
            description = "Completion topic to hear the event on (default: the local stack's; AWS: the stack's CompletionTopicArn output).")
    String topicArn;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Where --watch saves the result (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--timeout", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "How long --watch waits, ISO-8601 (default: 30 minutes).")
    Duration timeout;

    /** Without a terminal, a progress line at least this often while the state stays the same. */
    private static final int PLAIN_EVERY_SECONDS = 10;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean local = bucket == null;
        String bucketName = local ? LocalNames.defaults().bucket() : bucket;
        AwsClients clients = new AwsClients(endpoint(endpoint, local, LocalNames.DEFAULT_ENDPOINT),
                System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        ObjectStore store = new S3ObjectStore(clients.s3(), bucketName);
        JobLedger ledger = new JobLedger(store, Clock.systemUTC());
        if (!Files.isRegularFile(content)) {
            throw new InvalidInputException(content + " does not exist");
        }
        if (api != null) {
            return throughTheApi(new JobsApiClient(api, clients.credentials(), clients.region()), out);
        } else if (preset != null || maxSize != null || steps != null || format != null) {
            throw new InvalidInputException("--preset, --max-size, --steps and --format go with --api (an inbox upload gets the "
                    + "service's defaults)");
        }

        String styleName = style.name != null ? style.name : uploadStyle(store, style.file, out);
        // A random tail makes this upload's job id prefix unique, so the job can be found.
        String key = JobLayout.INBOX + styleName + "/" + JobLayout.uniqueUploadName(content.getFileName().toString());

        Optional<CompletionEventListener> listener = watch
                ? CompletionEventListener.open(clients, local ? localTopic(clients) : topicArn) : Optional.empty();
        try {
            store.write(key, Files.readAllBytes(content), "application/octet-stream");
            out.println("uploaded s3://" + bucketName + "/" + key);
            if (!watch) {
                out.println("follow it in s3://" + bucketName + "/results/" + JobLayout.jobIdBase(key) + "-*/status.json");
                return 0;
            }
            Instant deadline = Instant.now().plus(timeout);
            String jobId = awaitJob(ledger, key, deadline);
            out.println("job " + jobId);
            follow(jobId, () -> progress(ledger, jobId), deadline);
            Outcome outcome = ledger.outcome(jobId).orElseThrow();
            out.println("outcome: " + outcome.status() + (outcome.reason() == null ? "" : ": " + outcome.reason()));
            if (outcome.resultKey() != null) {
                Path result = resultFile(jobId, outcome.resultKey());
                Files.createDirectories(outDir);
                Files.write(result, store.read(outcome.resultKey()).orElseThrow());
                out.println("result: " + result);
            }
            listener.flatMap(l -> l.await(jobId, Duration.ofSeconds(30))).ifPresentOrElse(
                    event -> out.println("completion event:\n" + event),
                    () -> out.println(topicArn == null && !local
                            ? "(pass --topic-arn to hear the completion event)" : "no completion event within 30 s"));
            return exitCode(outcome.status());
        } finally {
            listener.ifPresent(CompletionEventListener::close);
        }
    }

    private static int exitCode(JobState state) {
        return switch (state) {
            case SUCCEEDED -> 0;
            case REJECTED -> Stylize.EXIT_INVALID_INPUT;
            default -> 1;
        };
    }

    /** A {@code POST /jobs} body: what is not given is left out (the service's defaults). */
    private record RequestBody(String style, String preset, RequestOptions options) {
    }

    private record RequestOptions(Integer maxSize, Integer steps, String format) {
    }

    private int throughTheApi(JobsApiClient client, PrintWriter out) throws Exception {
        if (style.name == null) {
            throw new InvalidInputException("--api takes --style-name: a painting goes into styles/ first");
        }
        JobsApiClient.Response created = client.submit(Json.compact(
                new RequestBody(style.name, preset, new RequestOptions(maxSize, steps, format))));
        if (!created.ok()) {
            throw new InvalidInputException("the API refused the job: " + created.reason());
        }
        String jobId = created.body().get("jobId").asText();
        int put = client.upload(URI.create(created.body().get("uploadUrl").asText()), content);
        if (put / 100 != 2) {
            throw new IllegalStateException("the upload to the job's URL answered HTTP " + put + "; job " + jobId + " waits for its photo");
        }
        out.println("job " + jobId + " (" + created.body().get("statusUrl").asText() + "); photo uploaded: HTTP " + put);
        if (!watch) {
            return 0;
        }
        follow(jobId, () -> progress(client.view(jobId)), Instant.now().plus(timeout));
        JobView ended = client.view(jobId);
        out.println("outcome: " + ended.state() + (ended.reason() == null ? "" : ": " + ended.reason()));
        if (ended.resultUrl() != null) {
            Path result = resultFile(jobId, ended.resultUrl().getPath());
            client.download(ended.resultUrl(), result);
            out.println("result: " + result);
        }
        return exitCode(ended.state());
    }

    /** {@code out/<jobId>.<the result's extension>}: the format the job asked for. */
    private Path resultFile(String jobId, String resultKey) {
        return outDir.resolve(jobId + resultKey.substring(resultKey.lastIndexOf('.')));
    }

    private static String uploadStyle(ObjectStore store, Path file, PrintWriter out) throws Exception {
        String name = JobLayout.jobIdBase(file.getFileName().toString());
        String fileName = file.getFileName().toString();
        String extension = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "jpg";
        String key = JobLayout.STYLES + name + "." + extension;
        store.write(key, Files.readAllBytes(file), "application/octet-stream");
        out.println("style uploaded as " + key);
        return name;
    }

    /** The local stack's completion topic: template.yaml's CompletionTopicArn output, resolved locally. */
    private static String localTopic(AwsClients clients) {
        return StackResources.ensure(clients, LocalNames.defaults(), LocalCommand.template()).output("CompletionTopicArn");
    }

    private static String awaitJob(JobLedger ledger, String upload, Instant deadline) throws InterruptedException {
        Instant noticeAt = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            Optional<String> job = ledger.jobOf(upload);
            if (job.isPresent()) {
                return job.get();
            }
            if (Instant.now().isAfter(noticeAt)) {
                System.err.println("no job yet: is the intake running? (bin/stylize local status)");
                noticeAt = deadline;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no job appeared for the upload before the timeout");
    }

    /** Where a job is, from its records or from the API; {@code detail} says the rest (loss, speed, ETA). */
    private record Progress(String state, Integer step, Integer totalSteps, String detail, boolean ended) {
    }

    private static Progress progress(JobLedger ledger, String jobId) {
        Optional<Outcome> outcome = ledger.outcome(jobId);
        if (outcome.isPresent()) {
            return new Progress(outcome.get().status().name(), outcome.get().steps(), outcome.get().steps(), "", true);
        }
        return ledger.status(jobId).map(s -> new Progress(ledger.workerLostAt(jobId).map(at -> "WORKER LOST at " + at)
                .orElse(s.state().name()), s.step(), s.totalSteps(), detail(s.loss(), s.itPerSecond(), s.etaSeconds()), false)).orElse(null);
    }

    private static Progress progress(JobView v) {
        return new Progress(v.state().name(), v.step(), v.totalSteps(), detail(v.loss(), null, v.etaSeconds()), v.state().isTerminal());
    }

    private static String detail(Double loss, Double itPerSecond, Double eta) {
        return (loss == null ? "" : String.format(Locale.ROOT, " loss %.4g", loss))
                + (itPerSecond == null ? "" : String.format(Locale.ROOT, " %.2f it/s", itPerSecond))
                + (eta == null ? "" : String.format(Locale.ROOT, ", ETA %.0f s", eta));
    }

    /**
     * Follows the job until it ends. On a terminal a progress bar redraws itself and shows the final
     * state at the end; anywhere else (a file, a pipe, CI) plain lines go to stderr when the state
     * changes or every {@value #PLAIN_EVERY_SECONDS} s, and the caller's {@code outcome:} line says
     * the final state, once.
     */
    private Progress follow(String jobId, Supplier<Progress> look, Instant deadline) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        String lastState = null;
        Instant lastLine = Instant.MIN;
        try (ProgressBar bar = ProgressBars.stderrIsTerminal() ? ProgressBars.steps(jobId, 1, 0) : null) {
            while (Instant.now().isBefore(deadline)) {
                Progress p = look.get();
                if (p != null && bar != null) {
                    if (p.totalSteps() != null) {
                        bar.maxHint(p.totalSteps());
                    }
                    if (p.step() != null) {
                        bar.stepTo(p.step());
                    }
                    bar.setExtraMessage(" " + p.state() + p.detail());
                } else if (p != null && !p.ended() && (!p.state().equals(lastState)
                        || Instant.now().isAfter(lastLine.plusSeconds(PLAIN_EVERY_SECONDS)))) {
                    err.println(jobId + ": " + (p.step() == null ? "" : "step " + p.step()
                            + (p.totalSteps() == null ? "" : "/" + p.totalSteps()) + " ") + p.state() + p.detail());
                    err.flush();
                    lastState = p.state();
                    lastLine = Instant.now();
                }
                if (p != null && p.ended()) {
                    return p;
                }
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("job " + jobId + " did not end before the timeout; it goes on: "
                + "see results/" + jobId + "/status.json");
    }
}
