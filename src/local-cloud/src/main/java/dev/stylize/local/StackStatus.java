package dev.stylize.local;

import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.S3ObjectStore;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;

/** The local stack's queues (waiting, in progress) and its latest jobs, as {@code bin/stylize local status} shows them. */
public final class StackStatus {
    private StackStatus() {
    }

    public static void print(AwsClients clients, StackResources stack, PrintWriter out) {
        for (String queue : stack.template().resourcesOfType("AWS::SQS::Queue")) {
            String url = stack.queueUrl(queue);
            Map<String, String> a = clients.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings(
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            out.printf("queue %-34s waiting %s, in progress %s%n", url.substring(url.lastIndexOf('/') + 1),
                    a.get("ApproximateNumberOfMessages"), a.get("ApproximateNumberOfMessagesNotVisible"));
        }
        ObjectStore store = new S3ObjectStore(clients.s3(), stack.output("BucketName"));
        JobLedger ledger = new JobLedger(store, Clock.systemUTC());
        store.list(JobLayout.RESULTS).stream()
                .filter(o -> o.key().endsWith("/status.json"))
                .sorted(Comparator.comparing(o -> o.lastModified(), Comparator.reverseOrder()))
                .limit(10)
                .forEach(o -> ledger.status(o.key().split("/")[1]).ifPresent(s -> out.printf(
                        "job %-40s %-15s %s%s%n", s.jobId(), s.state(),
                        s.step() == null || s.totalSteps() == null ? "" : s.step() + "/" + s.totalSteps(),
                        ledger.workerLostAt(s.jobId()).map(at -> " (worker lost at " + at
                                + "; resumes when its message reappears)").orElse(""))));
    }
}
