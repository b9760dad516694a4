package dev.stylize.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on 127.0.0.1 in front of the emulator that fails on command: answers 503
 * ("SlowDown"), drops the connection (unreachable) or holds the request open until released (a
 * slow S3), for every request or only for those whose path matches. Clients are pointed at it
 * instead of the emulator.
 */
final class FaultProxy implements AutoCloseable {
    enum Mode { PASS, UNAVAILABLE, RESET, HOLD }

    /** The longest a held request waits for {@link #pass()}. */
    private static final Duration MAX_HOLD = Duration.ofSeconds(60);

    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "date");

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Mode mode = Mode.PASS;
    private volatile Predicate<String> affected = path -> true;
    final AtomicInteger failed = new AtomicInteger();
    /** Requests being held open now. */
    final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch released = new CountDownLatch(0);

    FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void fail(Mode mode) {
        this.affected = path -> true;
        this.mode = mode;
    }

    void failPaths(Mode mode, Predicate<String> paths) {
        if (mode == Mode.HOLD) {
            released = new CountDownLatch(1);
        }
        this.affected = paths;
        this.mode = mode;
    }

    /** Passes every request from now on, and lets held ones through. */
    void pass() {
        this.mode = Mode.PASS;
        released.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().toString();
            Mode now = mode;
            if (now != Mode.PASS && affected.test(path + " " + new String(body, StandardCharsets.UTF_8))) {
                if (now == Mode.HOLD) {
                    hold(); // then forwarded as usual
                } else {
                    failed.incrementAndGet();
                    if (now == Mode.RESET) {
                        return; // closing without a response: the client sees the connection drop
                    }
                    byte[] error = "<Error><Code>SlowDown</Code><Message>injected</Message></Error>".getBytes();
                    exchange.sendResponseHeaders(503, error.length);
                    exchange.getResponseBody().write(error);
                    return;
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(path))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(60));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            response.headers().map().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!HOP_HEADERS.contains(lower) && !lower.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (head) {
                response.headers().firstValue("content-length")
                        .ifPresent(v -> exchange.getResponseHeaders().set("Content-Length", v));
            }
            byte[] payload = response.body();
            exchange.sendResponseHeaders(response.statusCode(), head || payload.length == 0 ? -1 : payload.length);
            if (!head && payload.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(payload);
                }
            }
        }
    }

    private void hold() {
        held.incrementAndGet();
        try {
            released.await(MAX_HOLD.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            held.decrementAndGet();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
