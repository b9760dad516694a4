package dev.stylize.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stylize.jobs.CompletionEvent;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.requests.Cancellation;
import dev.stylize.jobs.requests.JobCancellations;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Preset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The console: one static page (HTML, a small script, a style sheet) and a small JSON API over the
 * bucket, served by the JDK's HTTP server. It reads and writes the bucket with the credentials of
 * whoever runs it; the browser sees object keys and image bytes, never S3 URLs or credentials.
 *
 * <pre>
 * GET  /api/jobs                 the newest jobs          GET  /api/image?key=K[&w=320]  an image (thumbnail)
 * GET  /api/jobs/ID              one job in full          GET  /api/download?key=K       an image or document
 * GET  /api/jobs/ID/event.json   its completion event     GET  /api/live[?job=ID]        server-sent updates
 * GET  /api/find?base=B          the job of an upload     POST /api/check?name=N         checks one image
 * GET  /api/styles, /api/limits  library, form bounds     POST /api/submissions          the submit form
 *                                                          POST /api/jobs/ID/cancel       cancels a job
 * </pre>
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConsoleServer.class.getName());
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html", "/app.js", "app.js", "/app.css", "app.css", "/favicon.svg", "favicon.svg");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final ObjectStore store;
    private final JobIndex index;
    private final ImageProxy images;
    private final SubmissionChecks checks;
    private final Submissions submissions;
    private final JobCancellations cancellations;
    private final Duration refresh;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final RequestGuard guard;
    private volatile boolean running = true;

    /**
     * @param port    0 for any free port
     * @param refresh how often live updates look at the bucket
     */
    public ConsoleServer(ObjectStore store, String host, int port, Duration refresh, SubmissionChecks checks) throws IOException {
        this.store = store;
        this.index = new JobIndex(new JobLedger(store, Clock.systemUTC()));
        this.images = new ImageProxy(store, checks.limits().maxPixels(), 96L * 1024 * 1024);
        this.checks = checks;
        this.submissions = new Submissions(store, index, checks);
        this.cancellations = new JobCancellations(new JobLedger(store, Clock.systemUTC()));
        this.refresh = refresh;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.guard = new RequestGuard(host, server.getAddress().getPort());
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Where the page is, e.g. {@code http://127.0.0.1:8765/}. */
    public URI address() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/");
    }

    @Override
    public void close() {
        running = false;
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Security-Policy", CSP);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Frame-Options", "DENY");
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            var request = exchange.getRequestHeaders();
            Optional<String> refusal = guard.refusal(method, path, request.getFirst("Host"), request.getFirst("Origin"),
                    request.getFirst("Sec-Fetch-Site"));
            if (refusal.isPresent()) {
                sendJson(exchange, 403, error(refusal.get()));
                return;
            }
            try {
                route(exchange, method, path, query(exchange.getRequestURI()));
            } catch (InvalidInputException e) {
                sendJson(exchange, 422, error(e.getMessage()));
            } catch (IOException | UncheckedIOException e) {
                LOG.fine(() -> method + " " + path + ": the page went away (" + e.getMessage() + ")");
            } catch (Exception e) {
                LOG.log(Level.WARNING, method + " " + path + " failed", e);
                sendJson(exchange, 502, error("the bucket could not be read or written: " + e.getMessage()));
            }
        }
    }

    private void route(HttpExchange exchange, String method, String path, Map<String, String> query) throws Exception {
        if (method.equals("POST")) {
            switch (path) {
                case "/api/check" -> check(exchange, query.getOrDefault("name", "the file"));
                case "/api/submissions" -> submit(exchange);
                default -> {
                    if (path.startsWith("/api/jobs/") && path.endsWith("/cancel")) {
                        cancel(exchange, path.substring("/api/jobs/".length(), path.length() - "/cancel".length()));
                    } else {
                        sendJson(exchange, 404, error("no such action"));
                    }
                }
            }
            return;
        }
        if (!method.equals("GET")) {
            sendJson(exchange, 405, error("the console takes GET and POST only"));
            return;
        }
        if (ASSETS.containsKey(path)) {
            asset(exchange, ASSETS.get(path));
        } else if (path.equals("/api/jobs")) {
            sendJson(exchange, 200, Map.of("jobs", index.jobs()));
        } else if (path.startsWith("/api/jobs/") && path.endsWith("/event.json")) {
            String jobId = path.substring("/api/jobs/".length(), path.length() - "/event.json".length());
            Optional<CompletionEvent> event = index.job(jobId).map(JobView.Detail::event);
            if (event.isEmpty()) {
                sendJson(exchange, 404, error("job " + jobId + " has no outcome yet"));
            } else {
                exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + jobId + "-event.json\"");
                send(exchange, 200, "application/json", Json.write(event.get()));
            }
        } else if (path.startsWith("/api/jobs/")) {
            String jobId = path.substring("/api/jobs/".length());
            index.job(jobId).ifPresentOrElse(detail -> sendJson(exchange, 200, detail),
                    () -> sendJson(exchange, 404, error("no job " + jobId)));
        } else if (path.equals("/api/find")) {
            index.find(query.getOrDefault("base", "")).ifPresentOrElse(id -> sendJson(exchange, 200, Map.of("jobId", id)),
                    () -> sendJson(exchange, 404, error("no job yet")));
        } else if (path.equals("/api/styles")) {
            sendJson(exchange, 200, Map.of("styles", index.styles()));
        } else if (path.equals("/api/limits")) {
            sendJson(exchange, 200, limits());
        } else if (path.equals("/api/image")) {
            image(exchange, query);
        } else if (path.equals("/api/download")) {
            download(exchange, query.getOrDefault("key", ""));
        } else if (path.equals("/api/live")) {
            live(exchange, query.get("job"));
        } else {
            sendJson(exchange, 404, error("not found"));
        }
    }

    private Map<String, Object> limits() {
        return Map.of("maxUploadBytes", checks.maxUploadBytes(), "maxStyles", Manifest.MAX_STYLES,
                "presets", Preset.labels().stream().sorted().toList(), "minSize", checks.limits().minSize(),
                "maxSize", checks.limits().maxSize(), "maxSteps", checks.limits().maxSteps(), "bucket", store.bucket());
    }

    /**
     * One image, checked as the intake would check it, before the form is sent: judged by its
     * declared length first, like an S3 event's size, and read only once that has passed.
     */
    private void check(HttpExchange exchange, String name) {
        long length = contentLength(exchange);
        var header = checks.image(name, length, () -> readBody(exchange, length));
        sendJson(exchange, 200, Map.of("name", name, "format", header.format(), "width", header.width(),
                "height", header.height()));
    }

    /** What the API's DELETE does for a job's owner, here for whoever runs the console (with the bucket's rights). */
    private void cancel(HttpExchange exchange, String jobId) {
        if (!JobLayout.isValidJobId(jobId) || index.job(jobId).isEmpty()) {
            sendJson(exchange, 404, error("no job " + jobId));
            return;
        }
        switch (cancellations.request(jobId, "console")) {
            case Cancellation.AlreadyEnded ended -> sendJson(exchange, 409, error("job " + jobId + " has already ended " + ended.state()));
            case Cancellation.Accepted accepted -> {
                LOG.info(() -> "cancellation of " + jobId + " recorded");
                sendJson(exchange, 202, Map.of("jobId", jobId, "cancelRequested", true));
            }
            case Cancellation.NotFound notFound -> sendJson(exchange, 404, error("no job " + jobId));
        }
    }

    private void submit(HttpExchange exchange) {
        long length = contentLength(exchange);
        checks.submissionSize(length);
        MultipartForm form = MultipartForm.parse(exchange.getRequestHeaders().getFirst("Content-Type"),
                readBody(exchange, length));
        Submissions.Submitted submitted = submissions.submit(form);
        LOG.info(() -> "submitted " + String.join(", ", submitted.written()));
        sendJson(exchange, 201, submitted);
    }

    private void image(HttpExchange exchange, Map<String, String> query) throws IOException, InterruptedException {
        String key = query.getOrDefault("key", "");
        int width = parseWidth(query.get("w"));
        if (!ImageProxy.isImageKey(key) || width < 0) {
            sendJson(exchange, 400, error("not an image the console shows: " + key));
            return;
        }
        Optional<ImageProxy.Image> image = images.get(key, width);
        if (image.isEmpty()) {
            sendJson(exchange, 404, error(key + " does not exist"));
            return;
        }
        String etag = "\"" + image.get().etag().replace("\"", "") + "-" + width + "\"";
        var headers = exchange.getResponseHeaders();
        headers.set("ETag", etag);
        // A URL naming the object's current ETag always means the same bytes.
        headers.set("Cache-Control", image.get().etag().equals(query.get("v"))
                ? "private, max-age=31536000, immutable" : "private, no-cache");
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        send(exchange, 200, image.get().contentType(), image.get().bytes());
    }

    private static int parseWidth(String w) {
        if (w == null) {
            return 0;
        }
        try {
            int width = Integer.parseInt(w);
            return ImageProxy.WIDTHS.contains(width) ? width : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Images, and a job's own documents (job.json, status.json, outcome.json). */
    private void download(HttpExchange exchange, String key) throws IOException {
        boolean document = key.matches(JobLayout.RESULTS + "[A-Za-z0-9._-]+/(job|status|outcome)\\.json") && JobLayout.isSafeKey(key);
        if (!document && !ImageProxy.isImageKey(key)) {
            sendJson(exchange, 400, error("not something the console hands out: " + key));
            return;
        }
        Optional<byte[]> bytes = store.read(key);
        if (bytes.isEmpty()) {
            sendJson(exchange, 404, error(key + " does not exist"));
            return;
        }
        String[] parts = key.split("/");
        String fileName = (key.startsWith(JobLayout.RESULTS) ? parts[1] + "-" : "") + parts[parts.length - 1];
        exchange.getResponseHeaders().set("Content-Disposition",
                "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        send(exchange, 200, document ? "application/json" : "application/octet-stream", bytes.get());
    }

    /**
     * Server-sent events: the jobs list, or one job, each time it changes. The bucket is looked at
     * every {@code refresh}, less often when listing it takes long (a bucket with a long history).
     */
    private void live(HttpExchange exchange, String jobId) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        write(out, "retry: 2000\n\n");
        String last = null;
        Instant lastWrite = Instant.now();
        while (running) {
            Instant began = Instant.now();
            String event;
            try {
                String data = jobId == null ? Json.compact(Map.of("jobs", index.jobs()))
                        : index.job(jobId).map(Json::compact).orElse("null");
                event = data.equals(last) ? null : "event: update\ndata: " + data + "\n\n";
                last = data;
            } catch (RuntimeException e) {
                event = "event: trouble\ndata: " + Json.compact(error("cannot read the bucket: " + e.getMessage())) + "\n\n";
                last = null;
            }
            if (event != null) {
                write(out, event);
                lastWrite = Instant.now();
            } else if (Duration.between(lastWrite, Instant.now()).compareTo(KEEP_ALIVE) > 0) {
                write(out, ": still here\n\n"); // also finds out that the page has gone
                lastWrite = Instant.now();
            }
            Duration took = Duration.between(began, Instant.now());
            try {
                Thread.sleep(Math.max(refresh.toMillis(), took.toMillis() * 3));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void asset(HttpExchange exchange, String name) throws IOException {
        try (InputStream in = ConsoleServer.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                sendJson(exchange, 404, error("missing asset " + name));
                return;
            }
            String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".js")
                    ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static long contentLength(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The whole body; a body that breaks off throws {@link UncheckedIOException}, like a page that went away. */
    private static byte[] readBody(HttpExchange exchange, long length) {
        if (length < 0) {
            throw new InvalidInputException("the request must say its length (Content-Length)");
        }
        try {
            byte[] body = exchange.getRequestBody().readNBytes((int) length);
            if (body.length != length) {
                throw new IOException("the request ended early");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        for (String pair : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
            String[] nameValue = pair.split("=", 2);
            query.putIfAbsent(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                    nameValue.length < 2 ? "" : URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) {
        try {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            send(exchange, status, "application/json", Json.compact(body).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
