package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.SyntheticWeights;
import dev.stylize.engine.model.TorchvisionVgg19;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.local.EventSeed;
import dev.stylize.local.LambdaClients;
import dev.stylize.local.LocalNames;
import dev.stylize.local.LocalProcesses;
import dev.stylize.local.LocalStackDeployment;
import dev.stylize.local.MetricSummary;
import dev.stylize.local.StackResources;
import dev.stylize.local.StackStatus;
import dev.stylize.local.template.Template;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole service on this machine: emulator, the functions from their packages, worker on CPU. */
@Command(name = "local", description = "Run the whole service on this machine against an S3/SQS/SNS emulator.",
        subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class,
                LocalCommand.SeedEvents.class, LocalCommand.Invoke.class})
final class LocalCommand {
    /** What the local stack runs, on this class path, to serve the console. */
    private static final List<String> CONSOLE_COMMAND = List.of(Stylize.class.getName(), "console");

    /** Where the local stack keeps its pid files, logs and generated weights. */
    static Path stateDir() {
        return home().resolve("out/local");
    }

    /** Present while a stack created by {@code local up} should be in the emulator. */
    static Path stackMarker() {
        return stateDir().resolve("stack.created");
    }

    static Path home() {
        return Path.of(System.getProperty("stylize.home", "."));
    }

    static Template template() {
        return Template.read(home().resolve("template.yaml"));
    }

    static AwsClients localClients() {
        return new AwsClients(Optional.of(URI.create(LocalNames.DEFAULT_ENDPOINT)), "us-east-1");
    }

    @Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Starts the emulator on 127.0.0.1:4566, creates template.yaml's bucket, queues and topic there, "
                    + "uploads weights and an example style, runs template.yaml's functions from their function.zip under "
                    + "the Lambda runtime interface client (Invoke API on 127.0.0.1:9001), a worker and the web console. With --emulator "
                    + "localstack: deploys the template's serverless part into LocalStack 4.14 (Docker) instead. Safe to run again.")
    static final class Up extends Subcommand {
        @Option(names = "--emulator", defaultValue = "moto", paramLabel = "NAME",
                description = "moto (a Python process, installed with pip if missing; the functions run here) or localstack "
                        + "(Docker; the functions run in LocalStack's Lambda). Default: ${DEFAULT-VALUE}.")
        String emulator;

        @Option(names = "--dry-run", description = "With --emulator localstack: print every command and the generated template, run nothing.")
        boolean dryRun;

        @Option(names = "--weights", paramLabel = "FILE",
                description = "VGG19 weights to give the worker (default: the ImageNet weights 'weights fetch' "
                        + "installed in the cache, else generated ones, made once).")
        Path weights;

        @Option(names = "--weights-cache", paramLabel = "DIR",
                defaultValue = "${env:STYLIZE_CACHE:-${sys:user.home}/.cache/stylize}",
                description = "Where 'weights fetch' installed weights (default: ${DEFAULT-VALUE}).")
        Path weightsCache;

        @Option(names = "--worker-port", defaultValue = "8080", paramLabel = "PORT",
                description = "The worker's health port (default: ${DEFAULT-VALUE}).")
        int workerPort;

        @Option(names = "--job-slots", paramLabel = "N", defaultValue = "${env:STYLIZE_JOB_SLOTS}",
                description = "How many jobs the worker runs at once (default: STYLIZE_JOB_SLOTS if set, else the "
                        + "worker's choice for its device: 1 on a CPU).")
        Integer jobSlots;

        @Option(names = "--lambda-port", defaultValue = "9001", paramLabel = "PORT",
                description = "The local Lambda service's port: Runtime API and Invoke API (default: ${DEFAULT-VALUE}).")
        int lambdaPort;

        @Option(names = "--retry-delay", defaultValue = "60", paramLabel = "SECONDS",
                description = "Asynchronous retries of a failed S3 event wait this, then twice this, as Lambda's about "
                        + "1 and 2 minutes (default: ${DEFAULT-VALUE}).")
        double retryDelay;

        @Option(names = "--env-vars", paramLabel = "FILE",
                description = "Extra function environment, in sam local's --env-vars format "
                        + "({\"Parameters\": {...}, \"IntakeFunction\": {...}}); e.g. other job defaults than the deployed ones.")
        Path envVars;

        @Option(names = "--console-port", defaultValue = "8765", paramLabel = "PORT",
                description = "The web console's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int consolePort;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun && !emulator.equals("localstack")) {
                spec.commandLine().getErr().println("stylize: --dry-run is for --emulator localstack");
                return Stylize.EXIT_INVALID_INPUT;
            }
            LocalProcesses processes = new LocalProcesses(home(), stateDir());
            Template template = template();
            LocalNames names = LocalNames.defaults();
            if (emulator.equals("localstack")) {
                return localStack(out, processes, template, names);
            }
            URI endpoint = URI.create(LocalNames.DEFAULT_ENDPOINT);
            processes.startEmulator(emulator, endpoint, out);
            AwsClients clients = localClients();
            // The emulator keeps everything in memory: if it restarted since the last `up` (without
            // `down`), every object, message and subscription is gone, and the user should hear it.
            boolean restarted = Files.exists(stackMarker()) && !StackResources.bucketExists(clients, names.bucket());
            StackResources stack = StackResources.ensure(clients, names, template);
            Files.writeString(stackMarker(), "created by bin/stylize local up; removed by local down\n");
            if (restarted) {
                out.println("emulator: it restarted since the last `local up` and kept nothing (it holds everything in "
                        + "memory): earlier uploads, jobs, results, queued messages and subscriptions are gone; "
                        + "the stack is created afresh");
            }
            Map<String, String> outputs = stack.outputs();
            out.println("resources from template.yaml: " + String.join(", ", outputs.values()));

            Map<String, String> lambdaEnv = new LinkedHashMap<>(Map.of(
                    "STYLIZE_AWS_ENDPOINT", endpoint.toString(),
                    "STYLIZE_LOCAL_PREFIX", names.prefix(),
                    "STYLIZE_LOCAL_LAMBDA_PORT", String.valueOf(lambdaPort),
                    "STYLIZE_LOCAL_RETRY_BASE_SECONDS", String.valueOf(retryDelay)));
            if (envVars != null) {
                lambdaEnv.put("STYLIZE_LOCAL_ENV_VARS", envVars.toAbsolutePath().toString());
            }
            processes.startLambda(lambdaEnv, out);

            Map<String, String> env = workerEnvironment(clients, outputs, endpoint, out);
            processes.startWorker(env, workerPort, out);
            processes.awaitLambda(URI.create("http://127.0.0.1:" + lambdaPort), out);
            URI console = processes.startConsole(CONSOLE_COMMAND, consolePort, out);
            out.println();
            out.println("ready. Open " + console + " and drop a photo, or try:");
            out.println("  bin/stylize submit --content docs/examples/harbour.png --style-name swirls --watch");
            out.println("logs in " + stateDir() + "; stop with: bin/stylize local down");
            return 0;
        }

        /** The template's serverless part into LocalStack; the worker here, against the stack's outputs. */
        private int localStack(PrintWriter out, LocalProcesses processes, Template template, LocalNames names) throws Exception {
            LocalStackDeployment deployment = new LocalStackDeployment(processes, stateDir(), names.prefix(), names.bucket(), "us-east-1");
            Path generated = deployment.generate(template);
            out.println("template: " + generated + " (template.yaml without the GPU worker)");
            if (dryRun) {
                for (List<String> command : deployment.commands()) {
                    out.println("$ " + String.join(" ", command));
                }
                out.println("then: upload the weights to s3://" + names.bucket() + "/" + JobLayout.MODELS
                        + " and docs/examples/swirls.png to styles/, and start the worker: STYLIZE_AWS_ENDPOINT="
                        + LocalNames.DEFAULT_ENDPOINT + " STYLIZE_BUCKET=<BucketName output> STYLIZE_JOB_QUEUE_URL=<JobQueueUrl output> "
                        + "STYLIZE_WEIGHTS=s3://" + names.bucket() + "/models/<weights> STYLIZE_WEIGHTS_SHA256=<sha256> "
                        + "QUARKUS_HTTP_PORT=" + workerPort + " java -jar " + home().resolve("src/worker/target/quarkus-app/quarkus-run.jar"));
                return 0;
            }
            Map<String, String> outputs = deployment.run(out);
            processes.markLocalStack();
            out.println("stack outputs: " + outputs);
            Map<String, String> env = workerEnvironment(localClients(), outputs, URI.create(LocalNames.DEFAULT_ENDPOINT), out);
            processes.startWorker(env, workerPort, out);
            URI console = processes.startConsole(CONSOLE_COMMAND, consolePort, out);
            out.println();
            out.println("ready (functions in LocalStack's Lambda). Open " + console + " and drop a photo, or try:");
            out.println("  bin/stylize submit --content docs/examples/harbour.png --style-name swirls --watch");
            return 0;
        }

        /** Weights and the example style in the bucket, and the worker's settings from the stack's outputs. */
        private Map<String, String> workerEnvironment(AwsClients clients, Map<String, String> outputs, URI endpoint,
                                                      PrintWriter out) throws Exception {
            String bucket = outputs.get("BucketName");
            ObjectStore store = new S3ObjectStore(clients.s3(), bucket);
            Path weightsFile = workerWeights(out);
            String sha256 = WeightsSource.digest(weightsFile);
            // The digest in the key: other weights never meet an old upload under the same name.
            String weightsKey = JobLayout.MODELS + sha256.substring(0, 12) + "-" + weightsFile.getFileName();
            if (!store.exists(weightsKey)) {
                store.write(weightsKey, Files.readAllBytes(weightsFile), "application/octet-stream");
            }
            if (store.list(JobLayout.STYLES).isEmpty()) {
                store.write(JobLayout.STYLES + "swirls.png", Files.readAllBytes(home().resolve("docs/examples/swirls.png")),
                        "image/png");
                out.println("style library: styles/swirls.png (the example painting)");
            }
            Map<String, String> env = new LinkedHashMap<>(Map.of(
                    "STYLIZE_AWS_ENDPOINT", endpoint.toString(),
                    "STYLIZE_BUCKET", bucket,
                    "STYLIZE_JOB_QUEUE_URL", outputs.get("JobQueueUrl"),
                    "STYLIZE_WEIGHTS", "s3://" + bucket + "/" + weightsKey,
                    "STYLIZE_WEIGHTS_SHA256", sha256,
                    "QUARKUS_HTTP_PORT", String.valueOf(workerPort)));
            if (jobSlots != null) {
                env.put("STYLIZE_JOB_SLOTS", String.valueOf(jobSlots));
            }
            return env;
        }

        /** The weights given, else the fetched ImageNet ones, else generated ones; says which. */
        private Path workerWeights(PrintWriter out) throws Exception {
            if (weights != null) {
                out.println("weights: " + weights + " (given)");
                return weights;
            }
            Optional<TorchvisionVgg19.Installed> fetched = TorchvisionVgg19.cached(weightsCache);
            if (fetched.isPresent()) {
                out.println("weights: " + fetched.get().describe() + " " + fetched.get().file());
                return fetched.get().file();
            }
            Path file = stateDir().resolve("vgg19-synthetic.safetensors");
            if (!Files.exists(file)) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    SyntheticWeights.write(manager, 1, file);
                }
            }
            out.println("weights: GENERATED (seed 1, not ImageNet) " + file
                    + "; 'bin/stylize weights fetch' installs real ones, which local up then uses");
            return file;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stops the console, the worker (it checkpoints first), the local Lambda service with its functions, and the emulator.")
    static final class Down extends Subcommand {
        @Override
        public Integer call() throws IOException {
            new LocalProcesses(home(), stateDir()).stopAll(spec.commandLine().getOut());
            Files.deleteIfExists(stackMarker());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows the local processes (each function's too), the metrics in their logs (jobs by outcome, "
                    + "queue wait, run, seconds per step by size and precision, checkpoint uploads), the queues and the "
                    + "latest jobs.")
    static final class Status extends Subcommand {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LocalProcesses processes = new LocalProcesses(home(), stateDir());
            processes.describe(out);
            // The same metric lines CloudWatch would turn into metrics on AWS.
            MetricSummary.read(processes.jobLogs()).print(out);
            if (!processes.isRunning("emulator")) {
                return 1;
            }
            AwsClients clients = localClients();
            StackStatus.print(clients, StackResources.ensure(clients, LocalNames.defaults(), template()), out);
            return 0;
        }
    }

    @Command(name = "seed-events", mixinStandardHelpOptions = true,
            description = "Puts in the local bucket every object the events in test-events/ name, so that "
                    + "sam local invoke -e test-events/<file> (or local invoke) does what test-events/README.md says.")
    static final class SeedEvents extends Subcommand {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            AwsClients clients = localClients();
            StackResources stack = StackResources.ensure(clients, LocalNames.defaults(), template());
            JobLedger ledger = new JobLedger(new S3ObjectStore(clients.s3(), stack.output("BucketName")), Clock.systemUTC());
            for (String key : EventSeed.seed(ledger, home())) {
                out.println("s3://" + stack.output("BucketName") + "/" + key);
            }
            return 0;
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true,
            description = "Invokes a function of the local Lambda service with an event, as sam local invoke does "
                    + "(RequestResponse), and prints its response. Exit code 1 when the function failed.")
    static final class Invoke extends Subcommand {
        @Parameters(paramLabel = "FUNCTION", description = "A function's logical id in template.yaml, e.g. IntakeFunction.")
        String function;

        @Option(names = {"-e", "--event"}, paramLabel = "FILE", description = "The event (default: {}).")
        Path event;

        @Option(names = "--lambda-endpoint", paramLabel = "URL", defaultValue = LocalNames.DEFAULT_LAMBDA_ENDPOINT,
                description = "The local Lambda service (default: ${DEFAULT-VALUE}).")
        URI lambdaEndpoint;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            String payload = event == null ? "{}" : Files.readString(event);
            try (LambdaClient lambda = LambdaClients.create(Optional.of(lambdaEndpoint), "us-east-1")) {
                InvokeResponse response = lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(payload)));
                out.println(response.payload().asUtf8String());
                if (response.functionError() != null) {
                    spec.commandLine().getErr().println(function + " failed (" + response.functionError() + ")");
                    return 1;
                }
                return 0;
            }
        }
    }
}
