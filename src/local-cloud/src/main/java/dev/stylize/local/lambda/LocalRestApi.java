package dev.stylize.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.aws.SigV4;
import dev.stylize.local.template.FunctionDefinition.ApiRoute;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

/**
 * API Gateway's REST API on this machine, for the template's Api events: each request becomes the
 * Lambda proxy integration's event (version 1.0), the function's answer the HTTP response. With
 * AWS_IAM authorisation API Gateway verifies the SigV4 signature and names the caller; here no
 * signature can be verified, so the caller is the access key id the request says it was signed
 * with, and a request without a SigV4 {@code Authorization} header is refused with 403, as API
 * Gateway refuses it.
 */
public final class LocalRestApi implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalRestApi.class);
    /** API Gateway's payload limit. */
    private static final int MAX_PAYLOAD = 10 * 1024 * 1024;

    private record Route(ApiRoute route, FunctionInstance function) {
    }

    private final HttpServer server;
    private final List<Route> routes = new ArrayList<>();
    private final String account;

    private LocalRestApi(HttpServer server, String account) {
        this.server = server;
        this.account = account;
    }

    /** Serves every function's Api events on 127.0.0.1:{@code port} (0: any free port). */
    static LocalRestApi start(Map<String, FunctionInstance> functions, int port, String account) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        LocalRestApi api = new LocalRestApi(server, account);
        for (FunctionInstance f : functions.values()) {
            for (ApiRoute route : f.function().apiRoutes()) {
                api.routes.add(new Route(route, f));
            }
        }
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    boolean hasRoutes() {
        return !routes.isEmpty();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readNBytes(MAX_PAYLOAD + 1);
            if (body.length > MAX_PAYLOAD) {
                LocalLambda.reply(exchange, 413, message("Request Too Long"), Map.of());
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            Optional<Map.Entry<Route, Map<String, String>>> matched = routes.stream()
                    .flatMap(r -> r.route().match(method, path).map(p -> Map.entry(r, p)).stream()).findFirst();
            if (matched.isEmpty()) {
                // What API Gateway answers for a method and path it has no route for.
                LocalLambda.reply(exchange, 403, message("Missing Authentication Token"), Map.of());
                return;
            }
            Optional<String> signer = SigV4.accessKeyId(exchange.getRequestHeaders().getFirst("Authorization"));
            if (signer.isEmpty()) {
                LocalLambda.reply(exchange, 403, message("Missing Authentication Token"), Map.of());
                return;
            }
            Route route = matched.get().getKey();
            byte[] event = Json.compact(event(exchange, route.route(), matched.get().getValue(), body, signer.get()))
                    .getBytes(StandardCharsets.UTF_8);
            FunctionInstance.Result result = route.function().invoke(event).get();
            if (result.failed()) {
                LOG.warnf("%s failed for %s %s: %s", route.function().function().logicalId(), method, path, result.text());
                LocalLambda.reply(exchange, 502, message("Internal server error"), Map.of());
                return;
            }
            respond(exchange, result.payload());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            LOG.warnf(e, "the API could not answer");
            LocalLambda.reply(exchange, 502, message("Internal server error"), Map.of());
        }
    }

    /** The proxy integration's request event, as API Gateway's REST API builds it. */
    private Map<String, Object> event(HttpExchange exchange, ApiRoute route, Map<String, String> pathParameters, byte[] body,
                                      String accessKey) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> multiHeaders = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            headers.put(name, values.getLast());
            multiHeaders.put(name, values);
        });
        headers.put("X-Forwarded-Proto", "http");
        Map<String, String> query = new LinkedHashMap<>();
        Optional.ofNullable(exchange.getRequestURI().getRawQuery()).ifPresent(q -> {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        });
        String path = exchange.getRequestURI().getPath();
        Optional<String> text = utf8(body);
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("accessKey", accessKey);
        identity.put("accountId", account);
        identity.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        identity.put("userAgent", headers.get("User-agent"));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", account);
        context.put("resourcePath", route.path());
        context.put("httpMethod", exchange.getRequestMethod());
        context.put("path", path);
        context.put("stage", "local");
        context.put("domainName", "127.0.0.1:" + server.getAddress().getPort());
        context.put("protocol", exchange.getProtocol());
        context.put("requestId", UUID.randomUUID().toString());
        context.put("identity", identity);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("resource", route.path());
        event.put("path", path);
        event.put("httpMethod", exchange.getRequestMethod());
        event.put("headers", headers);
        event.put("multiValueHeaders", multiHeaders);
        event.put("queryStringParameters", query.isEmpty() ? null : query);
        event.put("pathParameters", pathParameters.isEmpty() ? null : pathParameters);
        event.put("requestContext", context);
        event.put("body", body.length == 0 ? null : text.orElseGet(() -> Base64.getEncoder().encodeToString(body)));
        event.put("isBase64Encoded", body.length > 0 && text.isEmpty());
        return event;
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The function's proxy response: {@code statusCode}, {@code headers}, {@code body}, {@code isBase64Encoded}. */
    private static void respond(HttpExchange exchange, byte[] payload) throws IOException {
        JsonNode response = Json.read(payload, JsonNode.class);
        if (!response.path("statusCode").canConvertToInt()) {
            LOG.warnf("a malformed Lambda proxy response: %s", new String(payload, StandardCharsets.UTF_8));
            LocalLambda.reply(exchange, 502, message("Internal server error"), Map.of());
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        String body = response.path("body").isNull() ? "" : response.path("body").asText("");
        byte[] bytes = response.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        LocalLambda.reply(exchange, response.get("statusCode").asInt(), bytes, headers);
    }

    private static byte[] message(String text) {
        return Json.compact(Map.of("message", text)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
