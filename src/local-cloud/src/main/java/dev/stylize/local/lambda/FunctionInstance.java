package dev.stylize.local.lambda;

import dev.stylize.jobs.Json;
import dev.stylize.local.template.FunctionDefinition;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One function's execution environment: its package run in its own JVM under the runtime
 * interface client, fed one invocation at a time through the Runtime API, as a Lambda sandbox
 * runs it. Started on the first invocation (or by {@link #warm}); killed when an invocation
 * passes the template's Timeout, and started afresh for the next one after a timeout, a crash
 * or an init error, each of which fails the invocation it hit.
 */
public final class FunctionInstance implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FunctionInstance.class);

    /** An invocation's outcome: the response, or the error body with Lambda's functionError. */
    public record Result(byte[] payload, String functionError) {
        public boolean failed() {
            return functionError != null;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        static Result error(String errorType, String message) {
            return new Result(Json.compact(new ErrorBody(errorType, message)).getBytes(StandardCharsets.UTF_8), "Unhandled");
        }
    }

    /** Lambda's error body; a timeout's has no errorType. */
    record ErrorBody(String errorType, String errorMessage) {
    }

    /** A platform line with {@code LogFormat: JSON}, as Lambda writes its platform events. */
    record PlatformEvent(String time, String type, Map<String, Object> record) {
    }

    static final class Invocation {
        final String requestId;
        final byte[] payload;
        final CompletableFuture<Result> result = new CompletableFuture<>();
        long deadlineMillis;

        Invocation(String requestId, byte[] payload) {
            this.requestId = requestId;
            this.payload = payload;
        }
    }

    private final FunctionDefinition function;
    private final Map<String, String> environment;
    private final RuntimeClient client;
    private final Path taskRoot;
    private final Path log;
    private final Path pidFile;
    private final String runtimeApi;
    private final String invokedArn;
    private final ScheduledExecutorService scheduler;
    private final LinkedBlockingDeque<Invocation> pending = new LinkedBlockingDeque<>();

    // guarded by this
    private Process process; // null while no JVM runs
    private int generation;
    private long startedNanos;
    private boolean reachedNext;
    private byte[] initError;
    private Invocation current;
    private boolean closed;
    private boolean coldStartPending;

    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private volatile Long initMillis;
    private volatile Long coldStartMillis;

    FunctionInstance(FunctionDefinition function, Map<String, String> environment, RuntimeClient client, Path taskRoot,
                     Path log, Path pidFile, String runtimeApi, String invokedArn, ScheduledExecutorService scheduler) {
        this.function = function;
        this.environment = environment;
        this.client = client;
        this.taskRoot = taskRoot;
        this.log = log;
        this.pidFile = pidFile;
        this.runtimeApi = runtimeApi;
        this.invokedArn = invokedArn;
        this.scheduler = scheduler;
    }

    public FunctionDefinition function() {
        return function;
    }

    public String invokedArn() {
        return invokedArn;
    }

    public Path log() {
        return log;
    }

    /** Queues one invocation; the result completes when the function answers, fails or times out. */
    public CompletableFuture<Result> invoke(byte[] payload) {
        return invoke(UUID.randomUUID().toString(), payload);
    }

    CompletableFuture<Result> invoke(String requestId, byte[] payload) {
        Invocation invocation = new Invocation(requestId, payload);
        synchronized (this) {
            if (closed) {
                invocation.result.complete(Result.error("Runtime.Unavailable", "the local Lambda service is stopping"));
                return invocation.result;
            }
            pending.addLast(invocation);
            if (!alive()) {
                start();
            }
        }
        return invocation.result;
    }

    /** Starts the process without an invocation (Lambda would wait for one; a local stack starts warm). */
    public synchronized void warm() {
        if (!alive() && !closed) {
            start();
        }
    }

    /** Whether the current process has finished its init (asked for its first invocation). */
    public synchronized boolean ready() {
        return alive() && reachedNext;
    }

    public synchronized boolean alive() {
        return process != null;
    }

    private void start() {
        generation++;
        int gen = generation;
        reachedNext = false;
        initError = null;
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // What the java21 managed runtime runs with: C1 only, serial GC, 85 % of memory as heap.
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:MaxHeapSize=" + function.heapMb() + "m",
                // Needed on JDK 24+ only (this JVM may be newer than the runtime's 21): the client loads
                // its JNI library, and jboss-threads opens java.lang.
                "--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-D" + RuntimeClient.JNI_PROPERTY + "=" + client.jniLibrary(),
                "-cp", client.classPathString(),
                RuntimeClient.MAIN_CLASS, function.handler());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(taskRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", runtimeApi + "/" + function.logicalId() + "/" + gen);
        try {
            process = builder.start();
        } catch (IOException e) {
            failFirstPending(Result.error("Runtime.Unavailable", "cannot start the function's JVM: " + e.getMessage()));
            return;
        }
        coldStartPending = true;
        startedNanos = System.nanoTime();
        starts.incrementAndGet();
        platform("platform.initStart", record("initializationType", "on-demand", "phase", "init", "runtimeVersion",
                "java:21 (local runtime interface client)", "pid", process.pid()),
                "INIT_START Runtime Version: java:21 (local runtime interface client) pid " + process.pid());
        try {
            Files.writeString(pidFile, String.valueOf(process.pid()));
        } catch (IOException e) {
            LOG.warnf("cannot write %s: %s", pidFile, e.getMessage());
        }
        Process started = process;
        started.onExit().thenRun(() -> exited(started, gen));
        // Lambda bounds init too (by the timeout, for an init that runs with the first invocation).
        scheduler.schedule(() -> initDeadline(gen), function.timeoutSeconds(), TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- the Runtime API, called by the server

    /** GET /runtime/invocation/next: blocks until there is an invocation for this process; empty if it is stale. */
    Optional<Invocation> next(int gen) throws InterruptedException {
        synchronized (this) {
            if (gen != generation || !alive()) {
                return Optional.empty();
            }
            if (!reachedNext) {
                reachedNext = true;
                initMillis = (System.nanoTime() - startedNanos) / 1_000_000;
            }
        }
        while (true) {
            Invocation invocation = pending.pollFirst(250, TimeUnit.MILLISECONDS);
            synchronized (this) {
                if (gen != generation || !alive() || closed) {
                    if (invocation != null) {
                        pending.addFirst(invocation);
                    }
                    return Optional.empty();
                }
                if (invocation == null || invocation.result.isDone()) {
                    continue;
                }
                current = invocation;
                invocations.incrementAndGet();
                invocation.deadlineMillis = System.currentTimeMillis() + function.timeoutSeconds() * 1000L;
                scheduler.schedule(() -> timedOut(gen, invocation), function.timeoutSeconds(), TimeUnit.SECONDS);
                platform("platform.start", record("requestId", invocation.requestId, "version", "$LATEST"),
                        "START RequestId: " + invocation.requestId + " Version: $LATEST");
                return Optional.of(invocation);
            }
        }
    }

    /** The /next answer could not be delivered: the invocation goes back to the front of the queue. */
    synchronized void undeliverable(Invocation invocation) {
        if (current == invocation) {
            current = null;
            invocations.decrementAndGet();
        }
        if (!invocation.result.isDone()) {
            pending.addFirst(invocation);
        }
    }

    /** POST /runtime/invocation/{id}/response. */
    synchronized boolean respond(int gen, String requestId, byte[] body) {
        return finish(gen, requestId, new Result(body, null));
    }

    /** POST /runtime/invocation/{id}/error. */
    synchronized boolean error(int gen, String requestId, byte[] body) {
        errors.incrementAndGet();
        return finish(gen, requestId, new Result(body, "Unhandled"));
    }

    /** POST /runtime/init/error: the client exits right after; the invocation waiting for this start fails with it. */
    synchronized void initError(int gen, byte[] body) {
        if (gen == generation) {
            initError = body;
            String error = new String(body, StandardCharsets.UTF_8);
            platform("platform.initReport", record("initializationType", "on-demand", "phase", "init", "status", "error",
                    "error", error), "INIT_REPORT Status: error " + error);
        }
    }

    private boolean finish(int gen, String requestId, Result result) {
        if (gen != generation || current == null || !current.requestId.equals(requestId)) {
            return false;
        }
        Invocation done = current;
        current = null;
        long millis = System.currentTimeMillis() - (done.deadlineMillis - function.timeoutSeconds() * 1000L);
        if (coldStartPending) {
            coldStartPending = false;
            coldStartMillis = (System.nanoTime() - startedNanos) / 1_000_000;
        }
        String status = result.failed() ? "error" : "success";
        platform("platform.runtimeDone", record("requestId", requestId, "status", status), "END RequestId: " + requestId);
        Map<String, Object> metrics = record("durationMs", millis, "billedDurationMs", millis, "memorySizeMB", function.memoryMb());
        if (initMillis != null) {
            metrics.put("initDurationMs", initMillis);
        }
        platform("platform.report", record("requestId", requestId, "status", status, "metrics", metrics),
                String.format(Locale.ROOT, "REPORT RequestId: %s Duration: %d ms Memory Size: %d MB%s%s", requestId, millis,
                        function.memoryMb(), initMillis == null ? "" : " Init Duration: " + initMillis + " ms",
                        result.failed() ? " Status: error" : ""));
        done.result.complete(result);
        return true;
    }

    private void timedOut(int gen, Invocation invocation) {
        synchronized (this) {
            if (invocation.result.isDone() || gen != generation) {
                return;
            }
            if (current == invocation) {
                current = null;
            }
            errors.incrementAndGet();
            String message = Instant.now() + " " + invocation.requestId + " Task timed out after "
                    + function.timeoutSeconds() + ".00 seconds";
            platform("platform.runtimeDone", record("requestId", invocation.requestId, "status", "timeout"),
                    "END RequestId: " + invocation.requestId + " Status: timeout");
            invocation.result.complete(Result.error(null, message));
            LOG.warnf("%s: %s; stopping its JVM", function.logicalId(), message);
            process.destroyForcibly(); // the sandbox goes; the next invocation starts a fresh one
        }
    }

    private void initDeadline(int gen) {
        synchronized (this) {
            if (gen != generation || !alive() || reachedNext) {
                return;
            }
            initError = Result.error("Runtime.InitTimeout", "init did not finish within " + function.timeoutSeconds() + " s").payload();
            process.destroyForcibly();
        }
    }

    private void exited(Process ended, int gen) {
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            process = null;
            int status = ended.exitValue();
            if (current != null) {
                Invocation lost = current;
                current = null;
                errors.incrementAndGet();
                lost.result.complete(Result.error("Runtime.ExitError", "RequestId: " + lost.requestId
                        + " Error: Runtime exited with error: exit status " + status));
            } else if (!reachedNext) {
                // Init failed (or timed out): the invocation that waited for this start fails with it.
                errors.incrementAndGet();
                failFirstPending(initError != null ? new Result(initError, "Unhandled")
                        : Result.error("Runtime.ExitError", "Runtime exited during init with exit status " + status));
            }
            if (!closed) {
                platform("platform.runtimeExited", record("status", status), "runtime exited with status " + status);
            }
            if (!closed && !pending.isEmpty()) {
                start();
            }
        }
    }

    private void failFirstPending(Result result) {
        Invocation first = pending.pollFirst();
        if (first != null) {
            first.result.complete(result);
        }
    }

    /** For {@code local status} and the tests' reports. */
    public synchronized Map<String, Object> describe() {
        return record("name", function.logicalId(), "pid", alive() ? process.pid() : null,
                "state", !alive() ? "stopped" : !reachedNext ? "initialising" : current != null ? "busy" : "idle",
                "starts", starts.get(), "invocations", invocations.get(), "errors", errors.get(), "waiting", pending.size(),
                "initMillis", initMillis, "coldStartMillis", coldStartMillis, "log", log.toString());
    }

    /**
     * A line of the platform's own: with the template's {@code LogFormat: JSON}, a JSON object as
     * Lambda writes its platform events ({@code {"time", "type", "record"}}), else Lambda's text line.
     */
    private void platform(String type, Map<String, Object> record, String text) {
        if (function.logFormat().filter("JSON"::equalsIgnoreCase).isPresent()) {
            append(Json.compact(new PlatformEvent(Instant.now().toString(), type, record)));
        } else {
            append(text);
        }
    }

    private static Map<String, Object> record(Object... keysAndValues) {
        Map<String, Object> record = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            record.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return record;
    }

    private void append(String line) {
        try {
            Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a convenience
        }
    }

    @Override
    public void close() {
        Process stopping;
        synchronized (this) {
            closed = true;
            stopping = process;
            Stream.concat(Stream.ofNullable(current), pending.stream())
                    .forEach(inv -> inv.result.complete(Result.error("Runtime.Unavailable", "the local Lambda service stopped")));
            pending.clear();
            current = null;
        }
        if (stopping != null) {
            stopping.destroy();
            try {
                if (!stopping.waitFor(5, TimeUnit.SECONDS)) {
                    stopping.destroyForcibly();
                    stopping.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // gone anyway
        }
    }
}
