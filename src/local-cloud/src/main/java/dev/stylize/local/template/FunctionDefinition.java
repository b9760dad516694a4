package dev.stylize.local.template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One AWS::Serverless::Function as deployed: Globals merged under its own properties, with
 * Lambda's defaults where neither says anything, and every intrinsic resolved.
 *
 * @param handler     the Handler string, {@code Class::method}
 * @param codeUri     the package (function.zip) on this machine
 * @param alias       AutoPublishAlias: the qualifier its event sources invoke, or empty for $LATEST
 * @param environment Environment.Variables, Globals' first, the function's over them
 */
public record FunctionDefinition(String logicalId, String handler, Path codeUri, String runtime, int memoryMb,
                                 int timeoutSeconds, Optional<String> alias, Optional<String> logFormat,
                                 Map<String, String> environment, List<S3Trigger> s3Triggers,
                                 List<SqsTrigger> sqsTriggers, List<ApiRoute> apiRoutes, AsyncConfig async) {

    /** Lambda's own defaults (a function that says nothing gets these). */
    static final int DEFAULT_MEMORY_MB = 128;
    static final int DEFAULT_TIMEOUT_SECONDS = 3;

    /** An S3 event: object events on {@code bucket} whose key matches the filter rules. */
    public record S3Trigger(String name, String bucket, List<String> events, String prefix, String suffix) {
    }

    /** An Api event: API Gateway's REST API sends {@code method} requests on {@code path} (which may hold {@code {name}} parts). */
    public record ApiRoute(String name, String path, String method) {
        /** The path parameters of {@code requestPath} when it is this route's, else empty. */
        public Optional<Map<String, String>> match(String requestMethod, String requestPath) {
            if (!method.equalsIgnoreCase("any") && !method.equalsIgnoreCase(requestMethod)) {
                return Optional.empty();
            }
            String[] want = path.split("/", -1);
            String[] got = requestPath.split("/", -1);
            if (want.length != got.length) {
                return Optional.empty();
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < want.length; i++) {
                if (want[i].startsWith("{") && want[i].endsWith("}") && !got[i].isEmpty()) {
                    parameters.put(want[i].substring(1, want[i].length() - 1), got[i]);
                } else if (!want[i].equals(got[i])) {
                    return Optional.empty();
                }
            }
            return Optional.of(parameters);
        }
    }

    /** An SQS event source mapping. */
    public record SqsTrigger(String name, String queueArn, int batchSize, boolean reportBatchItemFailures) {
    }

    /**
     * How asynchronous invocations are retried (EventInvokeConfig; Lambda's defaults without one:
     * 2 retries, 6 hours, no destination, i.e. the event is discarded).
     */
    public record AsyncConfig(int maximumRetryAttempts, int maximumEventAgeSeconds, Optional<String> onFailureArn) {
        public static final AsyncConfig LAMBDA_DEFAULT = new AsyncConfig(2, 21600, Optional.empty());
    }

    static FunctionDefinition of(Template template, String logicalId, Intrinsics intrinsics) {
        Map<String, Object> own = template.properties(logicalId);
        Map<String, Object> merged = new LinkedHashMap<>(template.functionGlobals());
        merged.putAll(own);

        Map<String, String> environment = new LinkedHashMap<>();
        for (Map<String, Object> source : List.of(template.functionGlobals(), own)) {
            Template.map(Template.map(source.get("Environment")).get("Variables"))
                    .forEach((name, value) -> environment.put(name, intrinsics.text(value)));
        }

        List<S3Trigger> s3 = new ArrayList<>();
        List<SqsTrigger> sqs = new ArrayList<>();
        List<ApiRoute> api = new ArrayList<>();
        Template.map(own.get("Events")).forEach((name, value) -> {
            Map<String, Object> event = Template.map(value);
            Map<String, Object> p = Template.map(event.get("Properties"));
            switch (String.valueOf(event.get("Type"))) {
                case "S3" -> {
                    List<?> rules = (List<?>) Template.map(Template.map(p.get("Filter")).get("S3Key")).getOrDefault("Rules", List.of());
                    Map<String, String> filter = new HashMap<>(); // rule name (prefix or suffix, in either case) -> value
                    for (Object rule : rules) {
                        Map<String, Object> r = Template.map(rule);
                        filter.put(String.valueOf(r.get("Name")).toLowerCase(java.util.Locale.ROOT), intrinsics.text(r.get("Value")));
                    }
                    Object events = p.get("Events");
                    List<String> eventNames = events instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                            : List.of(String.valueOf(events));
                    s3.add(new S3Trigger(name, intrinsics.text(p.get("Bucket")), eventNames, filter.get("prefix"),
                            filter.get("suffix")));
                }
                case "SQS" -> {
                    boolean partial = p.get("FunctionResponseTypes") instanceof List<?> l && l.contains("ReportBatchItemFailures");
                    int batch = p.containsKey("BatchSize") ? Integer.parseInt(intrinsics.text(p.get("BatchSize"))) : 10;
                    sqs.add(new SqsTrigger(name, intrinsics.text(p.get("Queue")), batch, partial));
                }
                case "Api" -> api.add(new ApiRoute(name, intrinsics.text(p.get("Path")), intrinsics.text(p.get("Method"))));
                default -> throw new IllegalArgumentException(logicalId + ": event type " + event.get("Type")
                        + " is not run locally");
            }
        });

        // Without an EventInvokeConfig (or with parts missing): Lambda's defaults.
        Map<String, Object> invokeConfig = Template.map(merged.get("EventInvokeConfig"));
        Map<String, Object> onFailure = Template.map(Template.map(invokeConfig.get("DestinationConfig")).get("OnFailure"));
        AsyncConfig async = new AsyncConfig(
                number(intrinsics, invokeConfig.get("MaximumRetryAttempts"), AsyncConfig.LAMBDA_DEFAULT.maximumRetryAttempts()),
                number(intrinsics, invokeConfig.get("MaximumEventAgeInSeconds"), AsyncConfig.LAMBDA_DEFAULT.maximumEventAgeSeconds()),
                Optional.ofNullable(onFailure.get("Destination")).map(intrinsics::text));

        Map<String, Object> logging = Template.map(merged.get("LoggingConfig"));
        return new FunctionDefinition(logicalId,
                intrinsics.text(merged.get("Handler")),
                template.codeRoot().resolve(intrinsics.text(merged.get("CodeUri"))).normalize(),
                intrinsics.text(merged.get("Runtime")),
                number(intrinsics, merged.get("MemorySize"), DEFAULT_MEMORY_MB),
                number(intrinsics, merged.get("Timeout"), DEFAULT_TIMEOUT_SECONDS),
                Optional.ofNullable(merged.get("AutoPublishAlias")).map(intrinsics::text),
                Optional.ofNullable(logging.get("LogFormat")).map(intrinsics::text),
                Map.copyOf(environment), List.copyOf(s3), List.copyOf(sqs), List.copyOf(api), async);
    }

    private static int number(Intrinsics intrinsics, Object value, int otherwise) {
        return value == null ? otherwise : Integer.parseInt(intrinsics.text(value));
    }

    /** The maximum heap the java21 runtime gives a function: 85 % of its memory. */
    public int heapMb() {
        return memoryMb * 85 / 100;
    }
}
