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
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where VGG19 weights come from: a local file, or an http(s) URL downloaded once into a cache
 * folder and checked against its sha256 before use. A cached file is re-checked on every
 * resolve, so a truncated or tampered cache entry is fetched again rather than trusted.
 */
public final class WeightsSource {
    private final String location;
    private final String sha256;

    /**
     * @param location a file path or an http(s) URL
     * @param sha256   expected hex digest; required for URLs, optional for files
     */
    public WeightsSource(String location, String sha256) {
        this.location = location;
        this.sha256 = sha256 == null || sha256.isBlank() ? null : sha256.toLowerCase(Locale.ROOT);
    }

    public boolean isRemote() {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
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
            Path partial = Files.createTempFile(target.getParent(), "download-", ".part");
            try {
                HttpClient client = HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(20))
                        .build();
                HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                        HttpResponse.BodyHandlers.ofFile(partial));
                if (response.statusCode() != 200) {
                    throw new WeightsException("downloading " + location + " failed: HTTP " + response.statusCode());
                }
                verify(partial);
                // Move into place only once verified: a reader never sees a half-written file.
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new WeightsException("downloading " + location + " failed: " + e.getMessage(), e);
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
