package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Json;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The events that Lambda gave up on, replayed. The functions' OnFailure destination
 * (template.yaml's FailedEventsQueue) holds one invocation record per event; each names the
 * function it failed on ({@code requestContext.functionArn}) and carries the original event
 * ({@code requestPayload}). The same code runs locally and against AWS: the SDK's LambdaClient
 * invokes the function asynchronously with that event, and the record is deleted once Lambda has
 * accepted the invocation. An event that fails again lands in the queue again.
 */
public final class FailedEvents {
    private FailedEvents() {
    }

    public record Result(int replayed, int failed) {
    }

    public static Result redrive(SqsClient sqs, LambdaClient lambda, String queueUrl, boolean dryRun, PrintWriter out) {
        int replayed = 0;
        int failed = 0;
        Set<String> seen = new HashSet<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(dryRun ? 30 : 60)).messages();
            List<Message> fresh = messages.stream().filter(m -> seen.add(m.messageId())).toList();
            if (fresh.isEmpty()) {
                return new Result(replayed, failed);
            }
            for (Message m : fresh) {
                JsonNode record;
                try {
                    record = Json.read(m.body(), JsonNode.class);
                } catch (RuntimeException e) {
                    record = null;
                }
                String functionArn = record == null ? "" : record.at("/requestContext/functionArn").asText();
                JsonNode payload = record == null ? null : record.get("requestPayload");
                if (functionArn.isEmpty() || payload == null) {
                    out.println("skipped " + m.messageId() + ": not a Lambda invocation record");
                    failed++;
                    continue;
                }
                String what = functionArn.substring(functionArn.indexOf(":function:") + ":function:".length()) + " "
                        + record.at("/requestContext/condition").asText() + " after " + record.at("/requestContext/approximateInvokeCount").asText()
                        + " attempts, " + describe(payload) + ": " + record.at("/responsePayload/errorMessage").asText();
                if (dryRun) {
                    out.println("would replay " + what);
                    replayed++;
                    continue;
                }
                try {
                    InvokeResponse response = lambda.invoke(b -> b.functionName(functionArn).invocationType(InvocationType.EVENT)
                            .payload(SdkBytes.fromUtf8String(Json.compact(payload))));
                    if (response.statusCode() == 202) {
                        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                        out.println("replayed " + what);
                        replayed++;
                    } else {
                        out.println("not accepted (" + response.statusCode() + "): " + what);
                        failed++;
                    }
                } catch (RuntimeException e) {
                    out.println("could not replay " + what + ": " + e.getMessage());
                    failed++;
                }
            }
        }
    }

    /** The S3 object an S3 event is about, for the user to recognise it. */
    private static String describe(JsonNode payload) {
        JsonNode object = payload.at("/Records/0/s3");
        return object.isMissingNode() ? "event" : "s3://" + object.at("/bucket/name").asText() + "/" + object.at("/object/key").asText();
    }
}
