package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.requests.JobView;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * A client of the jobs API (template.yaml's JobsApi, or the one {@code local up} serves): every
 * request signed with SigV4 for {@code execute-api} with the caller's credentials, as API
 * Gateway's AWS_IAM authorisation requires; the photo goes to its presigned URL with a plain PUT.
 */
public final class JobsApiClient {
    /** Where {@code bin/stylize local up} serves the API. */
    public static final URI LOCAL = URI.create("http://127.0.0.1:9002");
    /** Headers the JDK's client sets itself: signed, but not passed on. */
    private static final Set<String> SET_BY_THE_CLIENT = Set.of("host", "content-length");

    /** An answer: its HTTP status and JSON body. */
    public record Response(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** What the API said was wrong, or the status alone. */
        public String reason() {
            return body.path("reason").asText("HTTP " + status);
        }
    }

    private final URI api;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final HttpClient http = HttpClient.newHttpClient();

    public JobsApiClient(URI api, AwsCredentialsProvider credentials, String region) {
        this.api = api;
        this.credentials = credentials;
        this.region = region;
    }

    /** {@code POST /jobs}: the job's id, {@code uploadUrl} and {@code statusUrl}, or the reason it was refused. */
    public Response submit(String body) {
        return call("POST", "/jobs", body);
    }

    /** {@code GET /jobs/{jobId}}. */
    public Response job(String jobId) {
        return call("GET", "/jobs/" + jobId, null);
    }

    /** {@code GET /jobs/{jobId}}, read. */
    public JobView view(String jobId) {
        Response response = job(jobId);
        if (!response.ok()) {
            throw new IllegalStateException("GET /jobs/" + jobId + ": " + response.reason());
        }
        return Json.MAPPER.convertValue(response.body(), JobView.class);
    }

    /** {@code DELETE /jobs/{jobId}}. */
    public Response cancel(String jobId) {
        return call("DELETE", "/jobs/" + jobId, null);
    }

    /** The photo, to the URL {@link #submit} answered. */
    public int upload(URI uploadUrl, Path photo) throws IOException {
        return send(HttpRequest.newBuilder(uploadUrl).PUT(HttpRequest.BodyPublishers.ofFile(photo)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A result or checkpoint, from the presigned URL the API answered. */
    public void download(URI url, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        HttpResponse<Path> response = send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofFile(file));
        if (response.statusCode() != 200) {
            throw new IOException("downloading " + url.getPath() + " answered HTTP " + response.statusCode());
        }
    }

    /** Any request to the API, signed. */
    public Response call(String method, String path, String body) {
        URI uri = api.resolve(api.getPath().replaceAll("/$", "") + path);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
                .putHeader("Content-Type", "application/json").build();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveIdentity().join()).request(unsigned)
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(bytes))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region))
                .request().headers().forEach((name, values) -> {
                    if (!SET_BY_THE_CLIENT.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
        HttpResponse<String> response = send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        return new Response(response.statusCode(), text.isBlank() ? Json.MAPPER.createObjectNode() : Json.read(text, JsonNode.class));
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("the jobs API at " + api + " cannot be reached (is it running? bin/stylize local status)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
