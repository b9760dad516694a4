package dev.stylize.cli;

import dev.stylize.images.ImageEncoder;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.aws.CompletionEventListener;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
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

/**
 * What a user of the bucket does, from the command line: drop a photo into the inbox, then
 * (with --watch) follow status.json, fetch the result and print the completion event.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Uploads a photo to inbox/<style>/ and, with --watch, follows the job to its result and event. "
                + "Against the local stack by default; against a deployed stack with --bucket and AWS credentials.")
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
            Outcome outcome = follow(ledger, jobId, deadline, spec.commandLine().getErr());
            out.println("outcome: " + outcome.status() + (outcome.reason() == null ? "" : ": " + outcome.reason()));
            if (outcome.resultKey() != null) {
                Path result = outDir.resolve(jobId + "." + ImageEncoder.PNG.extension());
                Files.createDirectories(outDir);
                Files.write(result, store.read(outcome.resultKey()).orElseThrow());
                out.println("result: " + result);
            }
            listener.flatMap(l -> l.await(jobId, Duration.ofSeconds(30))).ifPresentOrElse(
                    event -> out.println("completion event:\n" + event),
                    () -> out.println(topicArn == null && !local
                            ? "(pass --topic-arn to hear the completion event)" : "no completion event within 30 s"));
            return switch (outcome.status()) {
                case SUCCEEDED -> 0;
                case REJECTED -> Stylize.EXIT_INVALID_INPUT;
                default -> 1;
            };
        } finally {
            listener.ifPresent(CompletionEventListener::close);
        }
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

    /**
     * Follows the job until it ends. On a terminal a progress bar redraws itself and shows the final
     * state at the end; anywhere else (a file, a pipe, CI) plain lines go to {@code err} when the
     * state changes or every {@value #PLAIN_EVERY_SECONDS} s, and the caller's {@code outcome:} line
     * says the final state, once.
     */
    private static Outcome follow(JobLedger ledger, String jobId, Instant deadline, PrintWriter err) throws InterruptedException {
        boolean terminal = ProgressBars.stderrIsTerminal();
        String lastState = null;
        Instant lastLine = Instant.MIN;
        try (ProgressBar bar = terminal ? ProgressBars.steps(jobId, 1, 0) : null) {
            while (Instant.now().isBefore(deadline)) {
                Optional<Outcome> outcome = ledger.outcome(jobId);
                if (outcome.isPresent()) {
                    if (bar != null) {
                        if (outcome.get().steps() != null) {
                            bar.maxHint(outcome.get().steps());
                            bar.stepTo(outcome.get().steps());
                        }
                        bar.setExtraMessage(" " + outcome.get().status());
                    }
                    return outcome.get();
                }
                Optional<JobStatus> status = ledger.status(jobId);
                if (status.isPresent()) {
                    JobStatus s = status.get();
                    String state = ledger.workerLostAt(jobId).map(at -> "WORKER LOST at " + at).orElse(s.state().name());
                    String detail = String.format(Locale.ROOT, "%s%s%s", state,
                            s.loss() == null ? "" : String.format(Locale.ROOT, " loss %.4g", s.loss()),
                            s.itPerSecond() == null ? "" : String.format(Locale.ROOT, " %.2f it/s, ETA %.0f s",
                                    s.itPerSecond(), s.etaSeconds()));
                    if (bar != null) {
                        if (s.totalSteps() != null) {
                            bar.maxHint(s.totalSteps());
                        }
                        if (s.step() != null) {
                            bar.stepTo(s.step());
                        }
                        bar.setExtraMessage(" " + detail);
                    } else if (!state.equals(lastState) || Instant.now().isAfter(lastLine.plusSeconds(PLAIN_EVERY_SECONDS))) {
                        err.println(jobId + ": " + (s.step() == null ? "" : "step " + s.step()
                                + (s.totalSteps() == null ? "" : "/" + s.totalSteps()) + " ") + detail);
                        err.flush();
                        lastState = state;
                        lastLine = Instant.now();
                    }
                }
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("job " + jobId + " did not end before the timeout; it goes on: "
                + "see results/" + jobId + "/status.json");
    }
}
