package dev.stylize.engine.model;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Where VGG19 weights come from: a local file, or a remote location (an http(s) URL, or any
 * other scheme the caller can fetch, such as the worker's s3://) downloaded once into a cache
 * folder and checked against its sha256 before use. A cached file is re-checked on every
 * resolve, so a truncated or tampered cache entry is fetched again rather than trusted.
 */
public final class WeightsSource {
    /** Copies a remote location's bytes into a local file. */
    @FunctionalInterface
    public interface Fetcher {
        void fetch(URI location, Path target) throws IOException;
    }

    private final String location;
    private final String sha256;
    private final Map<String, Fetcher> fetchers;

    /**
     * @param location a file path or an http(s) URL
     * @param sha256   expected hex digest; required for URLs, optional for files
     */
    public WeightsSource(String location, String sha256) {
        this(location, sha256, Map.of());
    }

    /** @param fetchers by URI scheme, for schemes other than http and https */
    public WeightsSource(String location, String sha256, Map<String, Fetcher> fetchers) {
        this.location = location;
        this.sha256 = sha256 == null || sha256.isBlank() ? null : sha256.toLowerCase(Locale.ROOT);
        Map<String, Fetcher> all = new HashMap<>(fetchers);
        all.put("https", WeightsSource::httpGet);
        all.put("http", WeightsSource::httpGet);
        this.fetchers = Map.copyOf(all);
    }

    public boolean isRemote() {
        return fetchers.containsKey(scheme());
    }

    private String scheme() {
        int colon = location.indexOf("://");
        return colon < 0 ? "" : location.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** The local file holding the weights, downloading it into {@code cacheDir} first if needed. */
    public Path resolve(Path cacheDir) {
        if (!isRemote()) {
            Path file = Path.of(location);
            if (!Files.isRegularFile(file)) {
                throw new WeightsException("weights file " + file + " does not exist");
            }
            if (sha256 != null) {
                verify(file);
            }
            return file;
        }
        if (sha256 == null) {
            throw new WeightsException("downloading weights from " + location + " needs their sha256");
        }
        Path cached = cacheDir.resolve(sha256 + ".safetensors");
        if (Files.isRegularFile(cached) && sha256.equals(digest(cached))) {
            return cached;
        }
        download(cached);
        return cached;
    }

    private void download(Path target) {
        try {
            Files.createDirectories(target.getParent());
            // Not created here: fetchers write a file that does not exist yet (the SDK insists).
            Path partial = target.resolveSibling("download-" + UUID.randomUUID() + ".part");
            try {
                fetchers.get(scheme()).fetch(URI.create(location), partial);
                verify(partial);
                // Move into place only once verified: a reader never sees a half-written file.
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (WeightsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new WeightsException("downloading " + location + " failed: " + e.getMessage(), e);
        }
    }

    /** GETs an http(s) URL into {@code target}, following redirects; anything but 200 is an error. */
    private static void httpGet(URI location, Path target) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
        try {
            HttpResponse<Path> response = client.send(HttpRequest.newBuilder(location).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(target));
            if (response.statusCode() != 200) {
                throw new WeightsException("downloading " + location + " failed: HTTP " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeightsException("interrupted while downloading " + location, e);
        }
    }

    private void verify(Path file) {
        String actual = digest(file);
        if (!sha256.equals(actual)) {
            throw new WeightsException("weights from " + location + " have sha256 " + actual + ", expected " + sha256);
        }
    }

    public static String digest(Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new WeightsException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return location;
    }
}
