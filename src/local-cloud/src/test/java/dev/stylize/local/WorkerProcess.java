package dev.stylize.local;

import dev.stylize.jobs.testing.ProcessReady;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged worker (src/worker/target/quarkus-app) as a real process, as the container runs it. */
final class WorkerProcess implements AutoCloseable {
    static final Path APP = Path.of("../worker/target/quarkus-app/quarkus-run.jar");

    private final Process process;
    private final int port;
    final Path log;

    private WorkerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static WorkerProcess start(Map<String, String> env) throws IOException {
        if (!Files.isRegularFile(APP)) {
            throw new IllegalStateException(APP.toAbsolutePath() + " is missing: build the worker first (./mvnw install)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("worker-", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx2g", "-jar", APP.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("DJL_OFFLINE", "true");
        WorkerProcess worker = new WorkerProcess(builder.start(), port, log);
        ProcessReady.await("worker", worker.process, URI.create("http://127.0.0.1:" + port + "/q/health/ready"), true,
                log, Duration.ofSeconds(90));
        return worker;
    }

    /** Whether /q/health/{@code check} (live or ready) answers UP. */
    boolean healthUp(String check) {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/q/health/" + check)
                    .toURL().openConnection();
            c.setConnectTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no checkpoint, no release; the message comes back when its visibility runs out. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The process's exit status, once it has ended (after {@link #close()}). */
    int exitCode() {
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the worker checkpoints and releases its message
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
