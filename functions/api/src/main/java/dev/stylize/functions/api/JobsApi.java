package dev.stylize.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.requests.Cancellation;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.requests.JobView;
import dev.stylize.jobs.telemetry.JobLogging;
import dev.stylize.plan.InvalidInputException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The routes: {@code POST /jobs}, {@code GET /jobs/{jobId}}, {@code DELETE /jobs/{jobId}}. Every
 * answer is JSON; an error says why under {@code reason}. Someone else's job is answered exactly as
 * a job that does not exist.
 */
public final class JobsApi {
    private static final Logger LOG = Logger.getLogger(JobsApi.class);
    /** Larger bodies are refused before they are parsed: a request is a manifest, and has a manifest's limit. */
    static final int MAX_BODY_BYTES = Manifest.MAX_BYTES;

    private final JobRequests requests;
    private final boolean local;

    /** @param local against an emulator, where no signature is verified ({@link Caller#of}) */
    public JobsApi(JobRequests requests, boolean local) {
        this.requests = requests;
        this.local = local;
    }

    /** What a new job's caller gets back. */
    record Created(String jobId, JobState state, String uploadUrl, String uploadBy, String statusUrl) {
    }

    record Error(String error, String reason, JobState state) {
    }

    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent request) {
        try {
            return route(request);
        } catch (RuntimeException e) { // S3 failing: the caller hears it, as JSON, and may retry
            LOG.errorf(e, "%s %s failed", request.getHttpMethod(), request.getPath());
            return error(503, "ServiceUnavailable", "the service could not read or write its records; try again: "
                    + e.getMessage());
        }
    }

    private APIGatewayProxyResponseEvent route(APIGatewayProxyRequestEvent request) {
        Optional<String> caller = Caller.of(request, local);
        if (caller.isEmpty()) {
            return error(403, "Forbidden", "the request is not signed: sign it with AWS Signature Version 4 (service execute-api)");
        }
        String path = Optional.ofNullable(request.getPath()).orElse("/").replaceAll("/+$", "");
        String method = Optional.ofNullable(request.getHttpMethod()).orElse("").toUpperCase(Locale.ROOT);
        if (path.equals("/jobs")) {
            return method.equals("POST") ? submit(caller.get(), request) : notAllowed(method, path, "POST");
        }
        if (path.startsWith("/jobs/") && path.indexOf('/', "/jobs/".length()) < 0) {
            String jobId = path.substring("/jobs/".length());
            try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
                return switch (method) {
                    case "GET" -> view(caller.get(), jobId, request);
                    case "DELETE" -> cancel(caller.get(), jobId, request);
                    default -> notAllowed(method, path, "GET, DELETE");
                };
            }
        }
        return error(404, "NotFound", "no such route: " + method + " " + path + " (routes: POST /jobs, GET and DELETE /jobs/{jobId})");
    }

    private APIGatewayProxyResponseEvent submit(String caller, APIGatewayProxyRequestEvent request) {
        String body = Optional.ofNullable(request.getBody()).orElse("");
        // A base64 body is a third longer than its bytes: the bound is checked on the text first.
        if (body.length() > MAX_BODY_BYTES * 4 / 3 + 4) {
            return tooLarge(body.length());
        }
        byte[] bytes;
        try {
            bytes = Boolean.TRUE.equals(request.getIsBase64Encoded()) ? Base64.getDecoder().decode(body)
                    : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return error(400, "BadRequest", "the body is marked base64 but is not");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            return tooLarge(bytes.length);
        }
        try {
            JobRequests.Submitted submitted = requests.submit(caller, bytes);
            String statusUrl = base(request) + "/jobs/" + submitted.jobId();
            LOG.infof("request %s made by %s", submitted.jobId(), caller);
            return json(201, new Created(submitted.jobId(), JobState.AWAITING_UPLOAD, submitted.uploadUrl().toString(),
                    submitted.uploadBy(), statusUrl), Map.of("Location", statusUrl));
        } catch (InvalidInputException e) {
            return error(400, "BadRequest", e.getMessage());
        }
    }

    private APIGatewayProxyResponseEvent view(String caller, String jobId, APIGatewayProxyRequestEvent request) {
        return requests.view(caller, jobId).map(view -> json(200, view, Map.of()))
                .orElseGet(() -> unknown(jobId));
    }

    private APIGatewayProxyResponseEvent cancel(String caller, String jobId, APIGatewayProxyRequestEvent request) {
        return switch (requests.cancel(caller, jobId)) {
            case Cancellation.NotFound ignored -> unknown(jobId);
            case Cancellation.AlreadyEnded ended -> json(409, new Error("Conflict", "job " + jobId + " has already ended "
                    + ended.state() + (ended.reason() == null ? "" : ": " + ended.reason()), ended.state()), Map.of());
            case Cancellation.Accepted ignored -> {
                LOG.infof("job %s: cancellation asked by %s", jobId, caller);
                JobView view = requests.view(caller, jobId).orElseThrow();
                yield json(202, view, Map.of("Location", base(request) + "/jobs/" + jobId));
            }
        };
    }

    private static APIGatewayProxyResponseEvent unknown(String jobId) {
        return error(404, "NotFound", "no job " + jobId);
    }

    private static APIGatewayProxyResponseEvent tooLarge(int length) {
        return error(413, "PayloadTooLarge", "the body is " + length + " bytes; the limit is " + MAX_BODY_BYTES);
    }

    private static APIGatewayProxyResponseEvent notAllowed(String method, String path, String allowed) {
        return json(405, new Error("MethodNotAllowed", method + " is not allowed on " + path + " (allowed: " + allowed + ")",
                null), Map.of("Allow", allowed));
    }

    private static APIGatewayProxyResponseEvent error(int status, String error, String reason) {
        return json(status, new Error(error, reason, null), Map.of());
    }

    private static APIGatewayProxyResponseEvent json(int status, Object body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(all).withBody(Json.compact(body))
                .withIsBase64Encoded(false);
    }

    /**
     * Where this API answers, as its caller reached it: {@code https://<id>.execute-api…/<stage>} on
     * AWS (the request context's path holds the stage, the resource path does not), or the local
     * address.
     */
    static String base(APIGatewayProxyRequestEvent request) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (request.getHeaders() != null) {
            headers.putAll(request.getHeaders());
        }
        APIGatewayProxyRequestEvent.ProxyRequestContext context = request.getRequestContext();
        String host = context != null && context.getDomainName() != null ? context.getDomainName() : headers.get("Host");
        String proto = headers.getOrDefault("X-Forwarded-Proto", "https");
        String route = Optional.ofNullable(request.getPath()).orElse("");
        String full = context == null || context.getPath() == null ? route : context.getPath();
        String stage = full.endsWith(route) ? full.substring(0, full.length() - route.length()) : "";
        return proto + "://" + host + stage;
    }
}
