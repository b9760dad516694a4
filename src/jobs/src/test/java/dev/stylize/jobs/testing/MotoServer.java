package dev.stylize.jobs.testing;

import dev.stylize.jobs.aws.AwsClients;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The S3/SQS/SNS emulator as a real process on 127.0.0.1, on a free port so tests never
 * collide with a running {@code bin/stylize local up} on 4566. One per test class.
 */
public final class MotoServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static MotoServer start() {
        try {
            int port = freePort();
            Path log = Files.createTempFile("moto-", ".log");
            List<String> command = executable("moto_server")
                    .map(exe -> List.of(exe, "-H", "127.0.0.1", "-p", String.valueOf(port)))
                    .orElse(List.of("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", String.valueOf(port)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            MotoServer server = new MotoServer(process, port, log);
            ProcessReady.await("moto server", process, server.endpoint().resolve("/moto-api/"), false, log,
                    Duration.ofSeconds(30));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the moto server: install it with "
                    + "\"python3 -m pip install 'moto[server]'\"", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public AwsClients clients() {
        return new AwsClients(Optional.of(endpoint()), "us-east-1");
    }

    private static Optional<String> executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
