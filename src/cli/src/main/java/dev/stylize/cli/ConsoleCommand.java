package dev.stylize.cli;

import dev.stylize.console.ConsoleServer;
import dev.stylize.console.SubmissionChecks;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.local.LocalNames;
import dev.stylize.plan.Limits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** {@code bin/stylize console}: the web console over a bucket, until interrupted. */
@Command(name = "console", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves a web page to watch, compare and submit jobs: the jobs list, each job's checkpoints "
                + "live, its loss, result and completion event, and a form to drop a photo. It reads and writes the "
                + "bucket with your own credentials and listens on 127.0.0.1 only, unless --host says otherwise.")
final class ConsoleCommand extends Subcommand {
    @Option(names = "--bucket", paramLabel = "NAME", description = "A deployed stack's bucket (default: the local stack's).")
    String bucket;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "S3 endpoint (default: " + LocalNames.DEFAULT_ENDPOINT + " without --bucket, AWS with it).")
    URI endpoint;

    @Option(names = "--port", defaultValue = "8765", paramLabel = "PORT", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything else lets other machines act on "
                    + "the bucket with your credentials.")
    String host;

    @Option(names = "--refresh", defaultValue = "PT1S", paramLabel = "DURATION",
            description = "How often live pages look at the bucket, ISO-8601 (default: 1 second).")
    Duration refresh;

    @Option(names = "--max-job-size", defaultValue = "${env:STYLIZE_MAX_JOB_SIZE:-" + Limits.SERVICE_MAX_SIZE + "}", paramLabel = "PX",
            description = "The deployment's MaxJobSize, the largest size the form offers (default: STYLIZE_MAX_JOB_SIZE, else ${DEFAULT-VALUE}).")
    int maxJobSize;

    @Option(names = "--job-budget", defaultValue = "${env:STYLIZE_JOB_BUDGET:-0}", paramLabel = "MEGAPIXEL_STEPS",
            description = "The deployment's JobBudget (default: STYLIZE_JOB_BUDGET, else 0: twice a quality job at --max-job-size).")
    double jobBudget;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean local = bucket == null;
        AwsClients clients = new AwsClients(endpoint(endpoint, local, LocalNames.DEFAULT_ENDPOINT),
                System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        ObjectStore store = new S3ObjectStore(clients.s3(), local ? LocalNames.defaults().bucket() : bucket);
        ConsoleServer console = new ConsoleServer(store, host, port, refresh, SubmissionChecks.forDeployment(maxJobSize, jobBudget));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.close();
            stopped.countDown();
        }));
        out.println("console: " + console.address() + " (bucket " + store.bucket() + ")");
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            out.println("console: listening on " + host + ": whoever reaches it acts on the bucket as you");
        }
        out.flush();
        stopped.await();
        return 0;
    }
}
