package dev.stylize.local;

import dev.stylize.jobs.testing.MotoServer;
import dev.stylize.local.template.FunctionDefinition;
import dev.stylize.local.template.ServerlessOnly;
import dev.stylize.local.template.Template;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml is the local stack's only description of its wiring: what the emulator and the
 * local Lambda service are given is read from it, so a change to the template is a change to
 * the local stack (tested on a changed copy), and the local stack runs the deployed settings.
 */
class TemplateWiringTest {

    @Test
    void theLocalStackRunsTheDeployedWiring() {
        try (MotoServer moto = MotoServer.start()) {
            StackResources stack = StackResources.ensure(moto.clients(), new LocalNames("wiring"), Template.read(TestStack.TEMPLATE));
            Map<String, FunctionDefinition> functions = byName(stack);
            assertEquals(List.of("ApiFunction", "DeadLetterFunction", "IntakeFunction", "NotifierFunction", "UploadDeadlineFunction"),
                    functions.keySet().stream().sorted().toList());

            FunctionDefinition intake = functions.get("IntakeFunction");
            assertEquals("io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest", intake.handler());
            assertEquals(TestStack.HOME.toAbsolutePath().normalize().resolve("functions/intake/target/function.zip"), intake.codeUri());
            assertEquals(1536, intake.memoryMb(), "its own MemorySize over Globals'");
            assertEquals(1305, intake.heapMb());
            assertEquals(60, intake.timeoutSeconds(), "Globals' Timeout");
            assertEquals(Optional.of("live"), intake.alias());
            assertEquals(Map.of("STYLIZE_BUCKET", "wiring", "STYLIZE_AWS_ENDPOINT", "", "STYLIZE_METRICS_NAMESPACE", "stylize/wiring",
                    "STYLIZE_JOB_QUEUE_URL", stack.output("JobQueueUrl"), "STYLIZE_JOB_BUDGET", "0", "STYLIZE_MAX_JOB_SIZE", "2048",
                    "STYLIZE_UPLOAD_DEADLINE_QUEUE_URL", stack.queueUrl("UploadDeadlineQueue")),
                    intake.environment(),
                    "Globals' variables merged with its own, resolved");
            assertEquals(List.of("inbox/", "jobs/", "requests/"), intake.s3Triggers().stream().map(FunctionDefinition.S3Trigger::prefix).toList());
            assertEquals(new FunctionDefinition.AsyncConfig(2, 21600, Optional.of(arn(moto.clients().sqs(), stack.output("FailedEventsQueueUrl")))),
                    intake.async());

            FunctionDefinition api = functions.get("ApiFunction");
            assertEquals(List.of(new FunctionDefinition.ApiRoute("SubmitJob", "/jobs", "post"),
                    new FunctionDefinition.ApiRoute("GetJob", "/jobs/{jobId}", "get"),
                    new FunctionDefinition.ApiRoute("CancelJob", "/jobs/{jobId}", "delete")), api.apiRoutes());
            assertEquals(Optional.of(Map.of("jobId", "abc")), api.apiRoutes().get(1).match("GET", "/jobs/abc"));
            assertEquals(Optional.empty(), api.apiRoutes().get(1).match("GET", "/jobs/abc/more"));
            FunctionDefinition deadlines = functions.get("UploadDeadlineFunction");
            assertEquals("upload-deadlines", deadlines.environment().get("QUARKUS_LAMBDA_HANDLER"));
            assertEquals(intake.codeUri(), deadlines.codeUri(), "the intake's package");

            FunctionDefinition notifier = functions.get("NotifierFunction");
            assertEquals("notifier", notifier.environment().get("QUARKUS_LAMBDA_HANDLER"));
            assertEquals(stack.output("CompletionTopicArn"), notifier.environment().get("STYLIZE_TOPIC_ARN"));
            assertEquals(1024, notifier.memoryMb());
            assertEquals(intake.async(), notifier.async());

            FunctionDefinition deadLetters = functions.get("DeadLetterFunction");
            assertEquals(List.of(new FunctionDefinition.SqsTrigger("DeadLetters", arn(moto.clients().sqs(), stack.output("JobDeadLetterQueueUrl")), 10, true)),
                    deadLetters.sqsTriggers());
            assertEquals(FunctionDefinition.AsyncConfig.LAMBDA_DEFAULT, deadLetters.async(), "no EventInvokeConfig: SQS invokes it synchronously");

            // The emulator's queues carry the template's settings.
            Map<String, String> jobs = attributes(moto.clients().sqs(), stack.output("JobQueueUrl"));
            assertEquals("300", jobs.get("VisibilityTimeout"));
            assertEquals("345600", jobs.get("MessageRetentionPeriod"));
            assertTrue(jobs.get("RedrivePolicy").contains("\"maxReceiveCount\":5") || jobs.get("RedrivePolicy").contains("\"maxReceiveCount\": 5"),
                    jobs.get("RedrivePolicy"));
            assertTrue(jobs.get("RedrivePolicy").contains(arn(moto.clients().sqs(), stack.output("JobDeadLetterQueueUrl"))));
            assertEquals("1209600", attributes(moto.clients().sqs(), stack.output("JobDeadLetterQueueUrl")).get("MessageRetentionPeriod"));
            assertEquals("360", attributes(moto.clients().sqs(), stack.output("JobDeadLetterQueueUrl")).get("VisibilityTimeout"));
            assertEquals("1209600", attributes(moto.clients().sqs(), stack.output("FailedEventsQueueUrl")).get("MessageRetentionPeriod"));
        }
    }

    @Test
    void aPrefixChangedInACopyOfTheTemplateIsWhatTheLocalStackRoutes() throws IOException {
        String original = Files.readString(TestStack.TEMPLATE);
        String changed = original
                .replace("                  - Name: prefix\n                    Value: inbox/\n",
                        "                  - Name: prefix\n                    Value: dropbox/\n")
                .replace("maxReceiveCount: 5", "maxReceiveCount: 3")
                .replace("      VisibilityTimeout: 300\n", "      VisibilityTimeout: 120\n");
        assertFalse(changed.equals(original));
        Path copy = Files.createTempFile("template-", ".yaml");
        Files.writeString(copy, changed);
        try (MotoServer moto = MotoServer.start()) {
            SqsClient sqs = moto.clients().sqs();
            StackResources stack = StackResources.ensure(moto.clients(), new LocalNames("routed"), Template.read(copy, TestStack.HOME));
            String intakeEvents = stack.notificationQueue("IntakeFunction").orElseThrow();
            drain(sqs, intakeEvents);

            moto.clients().s3().putObject(b -> b.bucket("routed").key("inbox/swirls/old.png"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
            moto.clients().s3().putObject(b -> b.bucket("routed").key("dropbox/swirls/new.png"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
            List<String> bodies = drain(sqs, intakeEvents);
            assertEquals(1, bodies.size(), "only the new prefix reaches the intake: " + bodies);
            assertTrue(bodies.get(0).contains("new.png"), bodies.get(0));

            Map<String, String> jobs = attributes(sqs, stack.output("JobQueueUrl"));
            assertEquals("120", jobs.get("VisibilityTimeout"));
            assertTrue(jobs.get("RedrivePolicy").replace(" ", "").contains("\"maxReceiveCount\":3"), jobs.get("RedrivePolicy"));
        }
    }

    @Test
    void theServerlessOnlyCopyForLocalStackKeepsTheFunctionsAndDropsTheWorker() throws Exception {
        Template full = Template.read(TestStack.TEMPLATE);
        Template serverless = ServerlessOnly.of(full);
        Map<String, Object> resources = serverless.resources();
        for (String kept : List.of("StylizeBucket", "StylizeBucketPolicy", "JobQueue", "JobDeadLetterQueue", "FailedEventsQueue",
                "FailedEventsAlarm", "CompletionTopic", "IntakeFunction", "IntakeFunctionRole", "IntakeLogGroup", "NotifierFunction",
                "DeadLetterFunction", "AlarmTopic", "AlarmTopicPolicy", "DeadLetterAlarm", "OldestJobAlarm", "IntakeErrorsAlarm")) {
            assertTrue(resources.containsKey(kept), kept);
        }
        for (String id : resources.keySet()) {
            String type = serverless.type(id).orElseThrow();
            assertFalse(type.startsWith("AWS::ECS::") || type.startsWith("AWS::EC2::") || type.contains("AutoScaling"), id + " " + type);
        }
        // (WorkerTaskRole stays: the bucket policy names it among the roles that may write results/.)
        for (String dropped : List.of("WorkerInstanceRole", "WorkerInstanceProfile", "WorkerExecutionRole", "WorkerLogGroup",
                "JobsWaitingAlarm", "QueueIdleAlarm", "Dashboard")) {
            assertFalse(resources.containsKey(dropped), dropped);
        }
        assertEquals(List.of("AlarmEmail", "BucketName", "JobBudget", "MaxJobSize"), serverless.parameters().keySet().stream().sorted().toList());
        assertFalse(serverless.outputs().containsKey("ClusterName"));
        assertTrue(serverless.outputs().containsKey("FailedEventsQueueUrl"));
        Object codeUri = ((Map<?, ?>) resources.get("IntakeFunction")).get("Properties") instanceof Map<?, ?> p ? p.get("CodeUri") : null;
        assertTrue(Path.of(String.valueOf(codeUri)).isAbsolute(), "CodeUri made absolute: " + codeUri);

        Path file = Files.createTempFile("serverless-", ".yaml");
        serverless.write(file);
        Template again = Template.read(file);
        assertEquals(resources.keySet(), again.resources().keySet(), "what is written reads back");
        String cfnLint = LocalProcesses.onPath("cfn-lint").orElseThrow(() -> new AssertionError(
                "cfn-lint is not on the PATH: bin/test installs it (pip install --user 'cfn-lint>=1,<2')"));
        Process lint = new ProcessBuilder(cfnLint, file.toString()).redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes());
        assertEquals(0, lint.waitFor(), "cfn-lint on the generated template:\n" + output);
    }

    private static Map<String, FunctionDefinition> byName(StackResources stack) {
        Map<String, FunctionDefinition> all = new java.util.HashMap<>();
        stack.functions().forEach(f -> all.put(f.logicalId(), f));
        return all;
    }

    private static String arn(SqsClient sqs, String url) {
        return StackResources.arn(sqs, url);
    }

    private static Map<String, String> attributes(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("All")).attributesAsStrings();
    }

    /** Every message body now in the queue (skipping S3's test event), deleted. */
    private static List<String> drain(SqsClient sqs, String url) {
        List<String> bodies = new java.util.ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2).maxNumberOfMessages(10)).messages();
            if (messages.isEmpty()) {
                return bodies;
            }
            for (Message m : messages) {
                if (!m.body().contains("s3:TestEvent")) {
                    bodies.add(m.body());
                }
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
    }
}
