package dev.stylize.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stylize.jobs.Json;
import dev.stylize.local.template.FunctionDefinition.AsyncConfig;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Lambda's asynchronous invocation (what S3 notifications and {@code InvocationType: Event} get):
 * on a function error the event is retried {@code MaximumRetryAttempts} times, the n-th retry
 * after n times the base delay (Lambda waits about 1 and then 2 minutes; tests make it seconds),
 * unless it is older than {@code MaximumEventAgeInSeconds}; then the invocation record goes to
 * the OnFailure destination, or, without one, the event is dropped as Lambda drops it.
 */
final class AsyncInvoker {
    private static final Logger LOG = Logger.getLogger(AsyncInvoker.class);

    private final FunctionInstance function;
    private final AsyncConfig config;
    private final Duration retryBaseDelay;
    private final ScheduledExecutorService scheduler;
    /** Sends a record to the OnFailure destination; throws when it cannot. */
    private final Consumer<String> destination;

    AsyncInvoker(FunctionInstance function, AsyncConfig config, Duration retryBaseDelay, ScheduledExecutorService scheduler,
                 Consumer<String> destination) {
        this.function = function;
        this.config = config;
        this.retryBaseDelay = retryBaseDelay;
        this.scheduler = scheduler;
        this.destination = destination;
    }

    /** @return completes once the event is settled: handled, or recorded at the destination (or dropped) */
    CompletableFuture<Void> submit(byte[] payload) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        attempt(UUID.randomUUID().toString(), payload, Instant.now(), 1, settled);
        return settled;
    }

    private void attempt(String requestId, byte[] payload, Instant received, int attempt, CompletableFuture<Void> settled) {
        function.invoke(requestId, payload).whenComplete((result, thrown) -> {
            if (thrown == null && !result.failed()) {
                settled.complete(null);
                return;
            }
            FunctionInstance.Result failure = thrown == null ? result : FunctionInstance.Result.error("Runtime.Unavailable", thrown.toString());
            if (attempt > config.maximumRetryAttempts()) {
                giveUp("RetriesExhausted", requestId, payload, attempt, failure, settled);
                return;
            }
            long delay = retryBaseDelay.toMillis() * attempt;
            LOG.warnf("%s: attempt %d of event %s failed (%s); retrying in %d ms", function.function().logicalId(), attempt,
                    requestId, failure.text(), delay);
            scheduler.schedule(() -> {
                if (Duration.between(received, Instant.now()).toSeconds() >= config.maximumEventAgeSeconds()) {
                    giveUp("EventAgeExceeded", requestId, payload, attempt, failure, settled);
                } else {
                    attempt(requestId, payload, received, attempt + 1, settled);
                }
            }, delay, TimeUnit.MILLISECONDS);
        });
    }

    private void giveUp(String condition, String requestId, byte[] payload, int attempts, FunctionInstance.Result failure,
                        CompletableFuture<Void> settled) {
        if (config.onFailureArn().isEmpty()) {
            LOG.errorf("%s: event %s DROPPED after %d attempts (%s), as Lambda drops it without an OnFailure destination: %s",
                    function.function().logicalId(), requestId, attempts, condition, new String(payload, StandardCharsets.UTF_8));
            settled.complete(null);
            return;
        }
        try {
            destination.accept(record(condition, requestId, payload, attempts, failure));
            LOG.warnf("%s: event %s sent to %s after %d attempts (%s)", function.function().logicalId(), requestId,
                    config.onFailureArn().get(), attempts, condition);
            settled.complete(null);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: event %s could not be recorded at %s", function.function().logicalId(), requestId,
                    config.onFailureArn().get());
            settled.completeExceptionally(e);
        }
    }

    /** The invocation record Lambda sends to an OnFailure destination (the developer guide's example's shape). */
    record InvocationRecord(String version, String timestamp, RequestContext requestContext, JsonNode requestPayload,
                            ResponseContext responseContext, JsonNode responsePayload) {
    }

    record RequestContext(String requestId, String functionArn, String condition, int approximateInvokeCount) {
    }

    record ResponseContext(int statusCode, String executedVersion, String functionError) {
    }

    String record(String condition, String requestId, byte[] payload, int attempts, FunctionInstance.Result failure) {
        return Json.compact(new InvocationRecord("1.0", Instant.now().toString(),
                new RequestContext(requestId, function.invokedArn(), condition, attempts), json(payload),
                new ResponseContext(200, "$LATEST", failure.functionError()), json(failure.payload())));
    }

    private static JsonNode json(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return Json.read(text, JsonNode.class);
        } catch (RuntimeException notJson) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
