package dev.stylize.local;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

import dev.stylize.local.lambda.LocalLambda;

/**
 * The local stack's background processes: each started detached (it outlives the command),
 * logged to {@code <state>/<name>.log}, its pid kept in {@code <state>/<name>.pid}. The
 * "lambda" process (the local Lambda service) starts one JVM per function itself; their logs
 * and pid files are in {@code <state>/functions/}.
 */
public final class LocalProcesses {
    private static final List<String> ORDER = List.of("console", "worker", "lambda", "emulator");

    private final Path home;
    private final Path state;
    /** Where the local stack's emulator answers. */
    private final URI emulator;

    public LocalProcesses(Path home, Path state) {
        this(home, state, URI.create(LocalNames.DEFAULT_ENDPOINT));
    }

    LocalProcesses(Path home, Path state, URI emulator) {
        this.home = home;
        this.state = state;
        this.emulator = emulator;
    }

    public void startEmulator(String kind, URI endpoint, PrintWriter out) throws IOException, InterruptedException {
        if (answers(endpoint.resolve("/"))) {
            out.println("emulator: already answering at " + endpoint);
            return;
        }
        if (kind.equals("localstack")) {
            run(composeUp());
            markLocalStack();
        } else if (kind.equals("moto")) {
            start("emulator", moto(endpoint), Map.of());
        } else {
            throw new IllegalArgumentException("unknown emulator '" + kind + "' (moto or localstack)");
        }
        await("emulator", () -> answers(endpoint.resolve("/")), Duration.ofSeconds(60));
        out.println("emulator: " + kind + " at " + endpoint);
    }

    /** moto's server, installed for this user with pip when it is not on the PATH. */
    private static List<String> moto(URI endpoint) throws IOException, InterruptedException {
        if (onPath("moto_server").isEmpty()) {
            run(List.of("python3", "-m", "pip", "install", "--user", "--quiet", "moto[server]>=5.1,<6"));
        }
        List<String> command = new ArrayList<>(onPath("moto_server").map(List::of)
                .orElse(List.of("python3", "-m", "moto.server")));
        command.addAll(List.of("-H", endpoint.getHost(), "-p", String.valueOf(endpoint.getPort())));
        return command;
    }

    /** The local Lambda service ({@link LocalLambda}): template.yaml's functions from their packages. */
    public void startLambda(Map<String, String> env, PrintWriter out) throws IOException {
        if (isRunning("lambda")) {
            out.println("lambda: already running");
            return;
        }
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("STYLIZE_LOCAL_STATE", functionsDir().toString());
        start("lambda", List.of(java(), "-Dstylize.home=" + home, "-cp", System.getProperty("java.class.path"),
                LocalLambda.class.getName()), all);
        out.println("lambda: starting the functions from their function.zip under the Lambda runtime interface client…");
    }

    /** Waits until every function has finished its init. */
    public void awaitLambda(URI endpoint, PrintWriter out) {
        await("lambda", () -> answers(endpoint.resolve("/_local/ready"), status -> status == 200), Duration.ofSeconds(120));
        out.println("lambda: ready, Invoke API at " + endpoint + " (logs in " + functionsDir() + ")");
        api().ifPresent(api -> out.println("api: " + api + " (the REST API, AWS_IAM: sign requests with SigV4)"));
    }

    /** Where the local REST API answers, while the lambda process serves it. */
    public Optional<String> api() {
        try {
            return isRunning("lambda") ? Optional.of(Files.readString(functionsDir().resolve(LocalLambda.API_FILE)).trim())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path functionsDir() {
        return state.resolve("functions");
    }

    /** The worker's log and each function's: where the metric lines are. */
    public List<Path> jobLogs() {
        return Stream.concat(Stream.of(state.resolve("worker.log")), functionFiles(".log").stream()).toList();
    }

    public void startWorker(Map<String, String> env, int port, PrintWriter out) throws IOException {
        if (isRunning("worker")) {
            out.println("worker: already running");
            return;
        }
        Path app = home.resolve("src/worker/target/quarkus-app/quarkus-run.jar");
        start("worker", List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx3g", "-jar", app.toString()), env);
        out.println("worker: starting (loads the weights)…");
        await("worker", () -> answers(URI.create("http://127.0.0.1:" + port + "/q/health/ready")), Duration.ofSeconds(180));
        out.println("worker: ready, health at http://127.0.0.1:" + port + "/q/health");
    }

    /**
     * The web console ({@code bin/stylize console}) over the local bucket, on 127.0.0.1 only.
     *
     * @param command the main class on this class path and its arguments that serve the console, without the port
     * @return its address
     */
    public URI startConsole(List<String> command, int port, PrintWriter out) throws IOException {
        URI address = URI.create("http://127.0.0.1:" + port + "/");
        if (isRunning("console")) {
            out.println("console: already running at " + address);
            return address;
        }
        List<String> process = new ArrayList<>(List.of(java(), "-Dstylize.home=" + home, "-cp", System.getProperty("java.class.path")));
        process.addAll(command);
        process.addAll(List.of("--port", String.valueOf(port)));
        start("console", process, Map.of());
        await("console", () -> answers(address.resolve("/api/limits")), Duration.ofSeconds(30));
        out.println("console: " + address);
        return address;
    }

    public void stopAll(PrintWriter out) {
        for (String name : ORDER) {
            Optional<ProcessHandle> process = pid(pidFile(name));
            if (process.isEmpty()) {
                continue;
            }
            process.get().destroy(); // SIGTERM: the worker checkpoints and releases its job
            try {
                process.get().onExit().get(100, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.get().destroyForcibly();
            }
            out.println(name + ": stopped");
            pidFile(name).toFile().delete();
        }
        // The lambda process stops its functions; these are only left if it was killed.
        for (Path pid : functionFiles(".pid")) {
            pid(pid).ifPresent(p -> {
                p.destroyForcibly();
                out.println(pid.getFileName().toString().replace(".pid", "") + ": stopped");
            });
            pid.toFile().delete();
        }
        if (startedElsewhere()) {
            out.println("emulator: the one answering at " + emulator + " was not started by bin/stylize: left running");
        }
        if (Files.exists(localstackMarker())) {
            try {
                run(List.of("docker", "compose", "-f", compose().toString(), "down"));
                Files.delete(localstackMarker());
                out.println("emulator: LocalStack stopped");
            } catch (IOException | InterruptedException e) {
                out.println("emulator: could not stop LocalStack: " + e.getMessage());
            }
        }
    }

    private Path compose() {
        return home.resolve("infra/localstack/docker-compose.yml");
    }

    /** Remembers that {@code local down} must stop LocalStack. */
    public void markLocalStack() throws IOException {
        Files.createDirectories(state);
        Files.writeString(localstackMarker(), "started by bin/stylize local up\n");
    }

    /** Starts LocalStack (infra/localstack/docker-compose.yml) and waits for its health check. */
    public List<String> composeUp() {
        return List.of("docker", "compose", "-f", compose().toString(), "up", "-d", "--wait");
    }

    private Path localstackMarker() {
        return state.resolve("emulator.localstack");
    }

    public void describe(PrintWriter out) {
        for (String name : ORDER) {
            out.printf("%-9s %s%n", name, pid(pidFile(name)).map(p -> "running (pid " + p.pid() + "), log "
                    + state.resolve(name + ".log")).orElseGet(() -> name.equals("emulator") ? emulatorWithoutProcess()
                    : "not running"));
            if (name.equals("lambda")) {
                api().ifPresent(api -> out.println("api: " + api));
                for (Path pid : functionFiles(".pid")) {
                    String function = pid.getFileName().toString().replace(".pid", "");
                    out.printf("  %-22s %s%n", function, pid(pid).map(p -> "running (pid " + p.pid() + "), log "
                            + functionsDir().resolve(function + ".log")).orElse("not running"));
                }
            }
        }
    }

    /** The functions' files ending in {@code suffix}: none before a function has run. */
    private List<Path> functionFiles(String suffix) {
        try (var files = Files.list(functionsDir())) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Optional<ProcessHandle> pid(Path file) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean isRunning(String name) {
        return pid(pidFile(name)).isPresent() || (name.equals("emulator") && answers(emulator.resolve("/")));
    }

    /** The emulator when no process of ours is it: LocalStack in Docker, one started by hand, or none. */
    private String emulatorWithoutProcess() {
        if (!answers(emulator.resolve("/"))) {
            return "not running";
        }
        return Files.exists(localstackMarker()) ? "LocalStack answering at " + emulator + " (Docker; local down stops it)"
                : "answering at " + emulator + ", not started by bin/stylize (local down leaves it running)";
    }

    /** An emulator answers that this stack did not start: moto or LocalStack started by hand (infra/README). */
    private boolean startedElsewhere() {
        return pid(pidFile("emulator")).isEmpty() && !Files.exists(localstackMarker()) && answers(emulator.resolve("/"));
    }

    private void start(String name, List<String> command, Map<String, String> env) throws IOException {
        Files.createDirectories(state);
        // nohup: the process must outlive this command and the terminal it was typed in.
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("nohup"), command.stream()).toList())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve(name + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        Files.writeString(pidFile(name), String.valueOf(process.pid()));
    }

    private Path pidFile(String name) {
        return state.resolve(name + ".pid");
    }

    private void await(String name, BooleanSupplier ready, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " did not start within " + timeout.toSeconds() + " s; see "
                        + state.resolve(name + ".log"));
            }
            if (pid(pidFile(name)).isEmpty() && Files.exists(pidFile(name))) {
                throw new IllegalStateException(name + " exited; see " + state.resolve(name + ".log"));
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean answers(URI uri) {
        return answers(uri, status -> status < 500);
    }

    private static boolean answers(URI uri, IntPredicate accepted) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            return accepted.test(c.getResponseCode());
        } catch (IOException e) {
            return false;
        }
    }

    public static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", command) + " failed"));
        }
    }

    /** The executable on the PATH, else where pip's --user installs put it. */
    public static Optional<String> onPath(String name) {
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(dir -> Path.of(dir, name)),
                        Stream.of(Path.of(System.getProperty("user.home"), ".local/bin", name)))
                .filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
