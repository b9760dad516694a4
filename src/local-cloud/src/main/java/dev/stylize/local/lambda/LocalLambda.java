package dev.stylize.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.local.LocalNames;
import dev.stylize.local.StackResources;
import dev.stylize.local.template.FunctionDefinition;
import dev.stylize.local.template.Template;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The Lambda service on this machine, for the functions template.yaml declares, without Docker:
 * <ul>
 *   <li>each function runs from its deployed package (function.zip, unpacked) in its own JVM under
 *       AWS's runtime interface client, with the template's Handler, environment (Globals merged),
 *       memory (85 % as heap) and timeout (the JVM is killed and restarted when it passes);</li>
 *   <li>one small Runtime API server serves every function, each under its own path, which
 *       {@code AWS_LAMBDA_RUNTIME_API} carries;</li>
 *   <li>the Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}, RequestResponse or
 *       Event), so the SDK's LambdaClient with this endpoint invokes local functions as it invokes AWS;</li>
 *   <li>event sources with Lambda's semantics: S3 notifications (queued by the emulator) as
 *       asynchronous invocations with the template's EventInvokeConfig, SQS queues as batches of
 *       the template's BatchSize with ReportBatchItemFailures;</li>
 *   <li>the REST API of the functions' Api events ({@link LocalRestApi}), on a port of its own.</li>
 * </ul>
 * The server is the JDK's {@code com.sun.net.httpserver}. Quarkus's quarkus-amazon-lambda-event-server
 * (its dev/test-mode Runtime API) was considered and not used: it answers the error endpoint with
 * 204 where the runtime interface client requires 202 (so the client exits on the first function
 * error), has no {@code /runtime/init/error}, sends no deadline or function ARN, and has none of
 * the asynchronous, SQS or timeout semantics; it would also bring Vert.x and Netty along.
 */
public final class LocalLambda implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalLambda.class);
    private static final String RUNTIME_PREFIX = "/2018-06-01/runtime/";
    private static final String INVOKE_PREFIX = "/2015-03-31/functions/";
    /** In the state directory: the REST API's address, for {@code local status}. */
    public static final String API_FILE = "api.url";

    /**
     * @param stateDir       where the packages are unpacked and the functions' logs and pid files go
     * @param port           the service's port on 127.0.0.1 (0: any free one)
     * @param apiPort        the REST API's port on 127.0.0.1, for the functions' Api events (0: any free one)
     * @param retryBaseDelay asynchronous retries wait 1x, then 2x this (Lambda: about a minute)
     * @param eventSources   whether S3 notifications and SQS queues invoke the functions (off: Invoke API only)
     * @param environment    extra variables per function logical id, or for all under "Parameters"
     *                       (sam local's --env-vars format); the template's values otherwise
     * @param notificationQueues where a function's S3 notifications are read, instead of its own queue
     */
    public record Options(Path home, Path stateDir, int port, int apiPort, Duration retryBaseDelay, boolean eventSources,
                          Map<String, Map<String, String>> environment, Map<String, String> notificationQueues) {
        public static Options defaults(Path home, Path stateDir) {
            return new Options(home, stateDir, 0, 0, Duration.ofSeconds(60), true, Map.of(), Map.of());
        }

        public Options apiPort(int value) {
            return new Options(home, stateDir, port, value, retryBaseDelay, eventSources, environment, notificationQueues);
        }

        public Options port(int value) {
            return new Options(home, stateDir, value, apiPort, retryBaseDelay, eventSources, environment, notificationQueues);
        }

        public Options retryBaseDelay(Duration value) {
            return new Options(home, stateDir, port, apiPort, value, eventSources, environment, notificationQueues);
        }

        public Options eventSources(boolean value) {
            return new Options(home, stateDir, port, apiPort, retryBaseDelay, value, environment, notificationQueues);
        }

        public Options environment(String function, Map<String, String> variables) {
            Map<String, Map<String, String>> all = new HashMap<>(environment);
            Map<String, String> merged = new HashMap<>(all.getOrDefault(function, Map.of()));
            merged.putAll(variables);
            all.put(function, merged);
            return new Options(home, stateDir, port, apiPort, retryBaseDelay, eventSources, all, notificationQueues);
        }

        public Options notificationQueue(String function, String queueUrl) {
            Map<String, String> all = new HashMap<>(notificationQueues);
            all.put(function, queueUrl);
            return new Options(home, stateDir, port, apiPort, retryBaseDelay, eventSources, environment, all);
        }
    }

    private final HttpServer server;
    private final ScheduledExecutorService scheduler;
    private final Map<String, FunctionInstance> functions = new LinkedHashMap<>();
    private final Map<String, AsyncInvoker> invokers = new LinkedHashMap<>();
    private final List<QueuePoller> pollers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private LocalRestApi api;

    private LocalLambda(HttpServer server, ScheduledExecutorService scheduler) {
        this.server = server;
        this.scheduler = scheduler;
    }

    /** Starts the service for {@code stack}'s functions, their functions talking to the emulator at {@code emulator}. */
    public static LocalLambda start(StackResources stack, AwsClients clients, URI emulator, Options options) throws IOException {
        RuntimeClient client = RuntimeClient.locate(options.home());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().factory());
        LocalLambda lambda = new LocalLambda(server, scheduler);
        String runtimeApi = "127.0.0.1:" + server.getAddress().getPort();
        SqsClient sqs = clients.sqs();
        Files.createDirectories(options.stateDir());

        for (FunctionDefinition f : stack.functions()) {
            Path dir = options.stateDir().resolve(f.logicalId());
            Files.createDirectories(dir);
            Path task = FunctionPackage.unpack(f.codeUri(), dir);
            String arn = stack.functionArn(f.logicalId()) + f.alias().map(a -> ":" + a).orElse("");
            Map<String, String> env = environment(f, task, client, stack, emulator, options);
            FunctionInstance instance = new FunctionInstance(f, env, client, task,
                    options.stateDir().resolve(f.logicalId() + ".log"), options.stateDir().resolve(f.logicalId() + ".pid"),
                    runtimeApi, arn, scheduler);
            lambda.functions.put(f.logicalId(), instance);
            lambda.invokers.put(f.logicalId(), new AsyncInvoker(instance, f.async(), options.retryBaseDelay(), scheduler,
                    record -> sendTo(sqs, stack, f.async().onFailureArn().orElseThrow(), record)));
        }
        server.createContext("/", lambda::handle);
        server.start();
        if (stack.functions().stream().anyMatch(f -> !f.apiRoutes().isEmpty())) {
            lambda.api = LocalRestApi.start(lambda.functions, options.apiPort(), stack.account());
            Files.writeString(options.stateDir().resolve(API_FILE), lambda.api.endpoint() + "\n");
        }

        if (options.eventSources()) {
            for (FunctionDefinition f : stack.functions()) {
                Optional.ofNullable(options.notificationQueues().get(f.logicalId()))
                        .or(() -> stack.notificationQueue(f.logicalId()))
                        .ifPresent(queue -> lambda.background("s3-events-" + f.logicalId(),
                                new S3EventSource(f.logicalId(), lambda.invokers.get(f.logicalId()), sqs, queue)));
                for (FunctionDefinition.SqsTrigger trigger : f.sqsTriggers()) {
                    String url = stack.queueUrlOfArn(trigger.queueArn()).orElseThrow(() -> new IllegalArgumentException(
                            f.logicalId() + ": event source queue " + trigger.queueArn() + " is not in the local stack"));
                    lambda.background("sqs-events-" + f.logicalId(),
                            new SqsEventSource(lambda.functions.get(f.logicalId()), trigger, sqs, url, stack.region()));
                }
            }
        }
        LOG.infof("local Lambda service on http://%s: %s", runtimeApi, String.join(", ", lambda.functions.keySet()));
        return lambda;
    }

    /** What a function's process sees: Lambda's reserved variables, then the template's, then local ones. */
    private static Map<String, String> environment(FunctionDefinition f, Path task, RuntimeClient client, StackResources stack,
                                                   URI emulator, Options options) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("LAMBDA_RUNTIME_DIR", client.jniLibrary().getParent().getParent().toString());
        env.put("_HANDLER", f.handler());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + f.runtime());
        env.put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(f.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + f.logicalId());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", LocalDate.now() + "/[$LATEST]local");
        f.logFormat().ifPresent(format -> env.put("AWS_LAMBDA_LOG_FORMAT", format));
        env.put("AWS_REGION", stack.region());
        env.put("AWS_DEFAULT_REGION", stack.region());
        env.put("AWS_ACCESS_KEY_ID", "test"); // the emulator's; a function never sees the developer's credentials
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.putAll(f.environment());
        // The template declares STYLIZE_AWS_ENDPOINT empty (AWS) so that local runs can point it at the emulator.
        env.put("STYLIZE_AWS_ENDPOINT", emulator.toString());
        env.putAll(options.environment().getOrDefault("Parameters", Map.of()));
        env.putAll(options.environment().getOrDefault(f.logicalId(), Map.of()));
        return env;
    }

    private static void sendTo(SqsClient sqs, StackResources stack, String destinationArn, String record) {
        String url = stack.queueUrlOfArn(destinationArn).orElseThrow(() -> new IllegalArgumentException(
                "OnFailure destination " + destinationArn + " is not a queue of the local stack"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(record));
    }

    private void background(String name, QueuePoller poller) {
        threads.add(Thread.ofPlatform().name(name).daemon().start(poller));
        pollers.add(poller);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Where the template's REST API answers; empty when no function has an Api event. */
    public Optional<URI> api() {
        return Optional.ofNullable(api).map(LocalRestApi::endpoint);
    }

    public Map<String, FunctionInstance> functions() {
        return functions;
    }

    public FunctionInstance function(String logicalId) {
        return Optional.ofNullable(functions.get(logicalId)).orElseThrow(() -> new IllegalArgumentException(
                "no function " + logicalId + " (have " + functions.keySet() + ")"));
    }

    /** Starts every function's JVM now and waits until each has finished its init (or failed it). */
    public void warmUp(Duration timeout) {
        functions.values().forEach(FunctionInstance::warm);
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (functions.values().stream().allMatch(f -> f.ready() || !f.alive())) {
                return;
            }
            sleep(100);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes(); // closed with the exchange
            if (path.startsWith(INVOKE_PREFIX) && path.endsWith("/invocations")) {
                invoke(exchange, path.substring(INVOKE_PREFIX.length(), path.length() - "/invocations".length()), body);
            } else if (path.equals("/_local/functions")) {
                List<Map<String, Object>> all = functions.values().stream().map(FunctionInstance::describe).toList();
                reply(exchange, 200, Json.compact(all).getBytes(StandardCharsets.UTF_8), Map.of());
            } else if (path.equals("/_local/ready")) {
                boolean ready = functions.values().stream().allMatch(FunctionInstance::ready);
                reply(exchange, ready ? 200 : 503, ("{\"ready\":" + ready + "}").getBytes(StandardCharsets.UTF_8), Map.of());
            } else if (path.contains(RUNTIME_PREFIX)) {
                runtime(exchange, path, body);
            } else {
                reply(exchange, 404, "{\"message\":\"unknown path\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** /{function}/{generation}/2018-06-01/runtime/...: the Runtime API of one function's current process. */
    private void runtime(HttpExchange exchange, String path, byte[] body) throws IOException, InterruptedException {
        String[] head = path.substring(1, path.indexOf(RUNTIME_PREFIX)).split("/");
        String[] call = path.substring(path.indexOf(RUNTIME_PREFIX) + RUNTIME_PREFIX.length()).split("/");
        FunctionInstance f = functions.get(head[0]);
        if (f == null || head.length != 2) {
            reply(exchange, 404, "{\"errorType\":\"NotFound\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        int gen = Integer.parseInt(head[1]);
        byte[] ok = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
        if (call.length == 2 && call[0].equals("invocation") && call[1].equals("next")) {
            Optional<FunctionInstance.Invocation> next = f.next(gen);
            if (next.isEmpty()) {
                // A process that has been replaced (or the service is stopping): the client exits on this.
                reply(exchange, 410, "{\"errorType\":\"Gone\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            FunctionInstance.Invocation inv = next.get();
            try {
                reply(exchange, 200, inv.payload, Map.of(
                        "Lambda-Runtime-Aws-Request-Id", inv.requestId,
                        "Lambda-Runtime-Deadline-Ms", String.valueOf(inv.deadlineMillis),
                        "Lambda-Runtime-Invoked-Function-Arn", f.invokedArn(),
                        "Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                                + inv.requestId.replace("-", "").substring(0, 24) + ";Sampled=0"));
            } catch (IOException e) {
                f.undeliverable(inv);
                throw e;
            }
        } else if (call.length == 3 && call[0].equals("invocation") && call[2].equals("response")) {
            reply(exchange, f.respond(gen, call[1], body) ? 202 : 400, ok, Map.of());
        } else if (call.length == 3 && call[0].equals("invocation") && call[2].equals("error")) {
            reply(exchange, f.error(gen, call[1], body) ? 202 : 400, ok, Map.of());
        } else if (call.length == 2 && call[0].equals("init") && call[1].equals("error")) {
            f.initError(gen, body);
            reply(exchange, 202, ok, Map.of());
        } else {
            reply(exchange, 404, "{\"errorType\":\"NotFound\"}".getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    /** The Invoke API: the function by name, ARN or name:qualifier; RequestResponse (default), Event or DryRun. */
    private void invoke(HttpExchange exchange, String rawName, byte[] body) throws IOException, InterruptedException {
        String name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
        if (name.startsWith("arn:")) {
            name = name.split(":")[6];
        } else if (name.contains(":function:")) {
            name = name.substring(name.indexOf(":function:") + ":function:".length());
        }
        name = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
        FunctionInstance f = functions.get(name);
        if (f == null) {
            reply(exchange, 404, ("{\"Type\":\"User\",\"message\":\"Function not found: " + name + "\"}").getBytes(StandardCharsets.UTF_8),
                    Map.of("x-amzn-ErrorType", "ResourceNotFoundException"));
            return;
        }
        String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type")).orElse("RequestResponse");
        switch (type) {
            case "Event" -> {
                invokers.get(name).submit(body);
                reply(exchange, 202, new byte[0], Map.of());
            }
            case "DryRun" -> reply(exchange, 204, new byte[0], Map.of());
            default -> {
                FunctionInstance.Result result;
                try {
                    result = f.invoke(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body).get();
                } catch (ExecutionException e) {
                    result = FunctionInstance.Result.error("Runtime.Unavailable", e.getMessage());
                }
                Map<String, String> headers = new HashMap<>(Map.of("X-Amz-Executed-Version", "$LATEST"));
                if (result.failed()) {
                    headers.put("X-Amz-Function-Error", result.functionError());
                }
                reply(exchange, 200, result.payload(), headers);
            }
        }
    }

    /** A JSON answer (or an empty one), with {@code headers}. */
    static void reply(HttpExchange exchange, int status, byte[] body, Map<String, String> headers) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        pollers.forEach(QueuePoller::stop);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        functions.values().forEach(FunctionInstance::close);
        if (api != null) {
            api.close();
        }
        server.stop(0);
        scheduler.shutdownNow();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads sam local's --env-vars format: {"Parameters": {...}, "FunctionLogicalId": {...}}. */
    public static Map<String, Map<String, String>> readEnvVars(Path file) throws IOException {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        Json.read(Files.readString(file), com.fasterxml.jackson.databind.JsonNode.class).properties().forEach(e -> {
            Map<String, String> variables = new LinkedHashMap<>();
            e.getValue().properties().forEach(v -> variables.put(v.getKey(), v.getValue().asText()));
            all.put(e.getKey(), variables);
        });
        return all;
    }

    /**
     * Run as its own process by {@code bin/stylize local up}: the template's functions against the
     * emulator, configured by STYLIZE_AWS_ENDPOINT, STYLIZE_LOCAL_PREFIX, STYLIZE_LOCAL_STATE,
     * STYLIZE_LOCAL_LAMBDA_PORT, STYLIZE_LOCAL_API_PORT, STYLIZE_LOCAL_RETRY_BASE_SECONDS and
     * STYLIZE_LOCAL_ENV_VARS.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path home = Path.of(System.getProperty("stylize.home", "."));
        URI emulator = URI.create(env.getOrDefault("STYLIZE_AWS_ENDPOINT", LocalNames.DEFAULT_ENDPOINT));
        AwsClients clients = new AwsClients(Optional.of(emulator), env.getOrDefault("AWS_REGION", "us-east-1"));
        Template template = Template.read(home.resolve("template.yaml"));
        StackResources stack = StackResources.ensure(clients,
                new LocalNames(env.getOrDefault("STYLIZE_LOCAL_PREFIX", "stylize-local")), template);
        Options options = Options.defaults(home, Path.of(env.getOrDefault("STYLIZE_LOCAL_STATE", home.resolve("out/local/functions").toString())))
                .port(Integer.parseInt(env.getOrDefault("STYLIZE_LOCAL_LAMBDA_PORT", "9001")))
                .apiPort(Integer.parseInt(env.getOrDefault("STYLIZE_LOCAL_API_PORT", "9002")))
                .retryBaseDelay(Duration.ofMillis((long) (Double.parseDouble(env.getOrDefault("STYLIZE_LOCAL_RETRY_BASE_SECONDS", "60")) * 1000)));
        // As the template's MaxJobSize and JobBudget do for a deployment, e.g. `STYLIZE_MAX_JOB_SIZE=4096
        // bin/stylize local up`; the worker and the console read the same variables.
        for (String setting : List.of("STYLIZE_MAX_JOB_SIZE", "STYLIZE_JOB_BUDGET")) {
            String value = env.get(setting);
            if (value != null && !value.isBlank()) {
                for (String function : List.of("IntakeFunction", "UploadDeadlineFunction", "ApiFunction")) {
                    options = options.environment(function, Map.of(setting, value));
                }
            }
        }
        String envVars = env.get("STYLIZE_LOCAL_ENV_VARS");
        if (envVars != null && !envVars.isBlank()) {
            for (Map.Entry<String, Map<String, String>> e : readEnvVars(Path.of(envVars)).entrySet()) {
                options = options.environment(e.getKey(), e.getValue());
            }
        }
        LocalLambda lambda = start(stack, clients, emulator, options);
        Runtime.getRuntime().addShutdownHook(new Thread(lambda::close));
        lambda.warmUp(Duration.ofSeconds(90));
        lambda.functions().values().forEach(f -> LOG.infof("%s", f.describe()));
        Thread.currentThread().join();
    }
}
