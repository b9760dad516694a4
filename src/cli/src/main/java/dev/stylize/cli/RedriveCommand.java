package dev.stylize.cli;

import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.local.FailedEvents;
import dev.stylize.local.LambdaClients;
import dev.stylize.local.LocalNames;
import dev.stylize.local.StackResources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.PrintWriter;
import java.net.URI;

/**
 * Replays the events that Lambda gave up on ({@link FailedEvents}), on the local stack or a
 * deployed one.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Replays S3 events a function failed on every retry: reads the failed-events queue, invokes each "
                + "record's function again with its original event (Lambda Invoke API, asynchronously) and deletes the "
                + "record once the invocation is accepted. The local stack by default; AWS with --queue-url.")
final class RedriveCommand extends Subcommand {
    @Option(names = "--queue-url", paramLabel = "URL",
            description = "The failed-events queue (a deployed stack's FailedEventsQueueUrl output); default: the local stack's.")
    String queueUrl;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "SQS endpoint (default: " + LocalNames.DEFAULT_ENDPOINT + " without --queue-url, AWS with it).")
    URI endpoint;

    @Option(names = "--lambda-endpoint", paramLabel = "URL",
            description = "Lambda endpoint (default: the local Lambda service, " + LocalNames.DEFAULT_LAMBDA_ENDPOINT
                    + ", without --queue-url; AWS with it).")
    URI lambdaEndpoint;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "${env:AWS_REGION:-us-east-1}",
            description = "AWS region (default: AWS_REGION, else us-east-1).")
    String region;

    @Option(names = "--dry-run", description = "List the records without replaying them (they stay, visible again after 30 s).")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean local = queueUrl == null;
        AwsClients clients = new AwsClients(endpoint(endpoint, local, LocalNames.DEFAULT_ENDPOINT), region);
        String url = local ? StackResources.ensure(clients, LocalNames.defaults(), LocalCommand.template())
                .output("FailedEventsQueueUrl") : queueUrl;
        try (LambdaClient lambda = LambdaClients.create(endpoint(lambdaEndpoint, local, LocalNames.DEFAULT_LAMBDA_ENDPOINT),
                region)) {
            FailedEvents.Result result = FailedEvents.redrive(clients.sqs(), lambda, url, dryRun, out);
            out.printf("%s %d event(s)%s%n", dryRun ? "found" : "replayed", result.replayed(),
                    result.failed() == 0 ? "" : "; " + result.failed() + " could not be replayed and stay in the queue");
            return result.failed() == 0 ? 0 : 1;
        }
    }

}
