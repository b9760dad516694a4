package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.SyntheticWeights;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.local.LocalNames;
import dev.stylize.local.LocalProcesses;
import dev.stylize.local.StackResources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** The whole service on this machine: emulator, local runner for the functions, worker on CPU. */
@Command(name = "local", description = "Run the whole service on this machine against an S3/SQS/SNS emulator.",
        subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class})
final class LocalCommand {

    /** Where the local stack keeps its pid files, logs and generated weights. */
    static Path stateDir() {
        return home().resolve("out/local");
    }

    static Path home() {
        return Path.of(System.getProperty("stylize.home", "."));
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Starts the emulator on 127.0.0.1:4566 (moto, or LocalStack 4.14 with --emulator localstack), "
                    + "creates the bucket, queues and topic, uploads weights and an example style, and starts the "
                    + "local runner, a worker and the web console on 127.0.0.1. Safe to run again.")
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--emulator", defaultValue = "moto", paramLabel = "NAME",
                description = "moto (a Python process, installed with pip if missing) or localstack (Docker). Default: ${DEFAULT-VALUE}.")
        String emulator;

        @Option(names = "--weights", paramLabel = "FILE",
                description = "VGG19 weights to give the worker (default: generated ones, made once).")
        Path weights;

        @Option(names = "--worker-port", defaultValue = "8080", paramLabel = "PORT",
                description = "The worker's health port (default: ${DEFAULT-VALUE}).")
        int workerPort;

        @Option(names = "--console-port", defaultValue = "8765", paramLabel = "PORT",
                description = "The web console's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int consolePort;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            LocalProcesses processes = new LocalProcesses(home(), stateDir());
            URI endpoint = URI.create(LocalNames.DEFAULT_ENDPOINT);
            processes.startEmulator(emulator, endpoint, out);
            AwsClients clients = new AwsClients(Optional.of(endpoint), "us-east-1");
            LocalNames names = LocalNames.defaults();
            StackResources stack = StackResources.ensure(clients, names);
            out.println("resources: bucket " + names.bucket() + ", queue " + names.jobQueue() + " (+ dead letters), topic "
                    + names.topic());

            ObjectStore store = new S3ObjectStore(clients.s3(), names.bucket());
            Path weightsFile = weights != null ? weights : generatedWeights(out);
            String sha256 = WeightsSource.digest(weightsFile);
            String weightsKey = JobLayout.MODELS + weightsFile.getFileName();
            if (!store.exists(weightsKey)) {
                store.write(weightsKey, Files.readAllBytes(weightsFile), "application/octet-stream");
            }
            if (store.list(JobLayout.STYLES).isEmpty()) {
                store.write(JobLayout.STYLES + "swirls.png", Files.readAllBytes(home().resolve("docs/examples/swirls.png")),
                        "image/png");
                out.println("style library: styles/swirls.png (the example painting)");
            }
            Map<String, String> env = Map.of(
                    "STYLIZE_AWS_ENDPOINT", endpoint.toString(),
                    "STYLIZE_BUCKET", names.bucket(),
                    "STYLIZE_JOB_QUEUE_URL", stack.jobQueueUrl(),
                    "STYLIZE_WEIGHTS", "s3://" + names.bucket() + "/" + weightsKey,
                    "STYLIZE_WEIGHTS_SHA256", sha256,
                    "QUARKUS_HTTP_PORT", String.valueOf(workerPort));
            processes.startRunner(env, out);
            processes.startWorker(env, workerPort, out);
            URI console = processes.startConsole(consolePort, out);
            out.println();
            out.println("ready. Open " + console + " and drop a photo, or try:");
            out.println("  bin/stylize submit --content docs/examples/harbour.png --style-name swirls --watch");
            out.println("logs in " + stateDir() + "; stop with: bin/stylize local down");
            return 0;
        }

        private Path generatedWeights(PrintWriter out) throws Exception {
            Path file = stateDir().resolve("vgg19-synthetic.safetensors");
            if (!Files.exists(file)) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    SyntheticWeights.write(manager, 1, file);
                }
            }
            out.println("weights: GENERATED (seed 1, not ImageNet) " + file + "; pass --weights for real ones");
            return file;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stops the console, the worker (it checkpoints first), the local runner and the emulator.")
    static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            new LocalProcesses(home(), stateDir()).stopAll(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows the local processes, the queues and the latest jobs.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LocalProcesses processes = new LocalProcesses(home(), stateDir());
            processes.describe(out);
            if (!processes.isRunning("emulator")) {
                return 1;
            }
            AwsClients clients = new AwsClients(Optional.of(URI.create(LocalNames.DEFAULT_ENDPOINT)), "us-east-1");
            LocalNames names = LocalNames.defaults();
            StackResources stack = StackResources.ensure(clients, names);
            for (String url : List.of(stack.jobQueueUrl(), stack.deadLetterQueueUrl())) {
                Map<String, String> a = clients.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
                out.printf("queue %-28s waiting %s, in progress %s%n", url.substring(url.lastIndexOf('/') + 1),
                        a.get("ApproximateNumberOfMessages"), a.get("ApproximateNumberOfMessagesNotVisible"));
            }
            ObjectStore store = new S3ObjectStore(clients.s3(), names.bucket());
            JobLedger ledger = new JobLedger(store, Clock.systemUTC());
            store.list(JobLayout.RESULTS).stream()
                    .filter(o -> o.key().endsWith("/status.json"))
                    .sorted(Comparator.comparing(o -> o.lastModified(), Comparator.reverseOrder()))
                    .limit(10)
                    .forEach(o -> ledger.status(o.key().split("/")[1]).ifPresent(s -> out.printf(
                            "job %-40s %-9s %s%s%n", s.jobId(), s.state(),
                            s.step() == null || s.totalSteps() == null ? "" : s.step() + "/" + s.totalSteps(),
                            ledger.workerLostAt(s.jobId()).map(at -> " (worker lost at " + at
                                    + "; resumes when its message reappears)").orElse(""))));
            return 0;
        }
    }
}
