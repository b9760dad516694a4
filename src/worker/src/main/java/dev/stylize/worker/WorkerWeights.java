package dev.stylize.worker;

import dev.stylize.engine.model.WeightsException;
import dev.stylize.engine.model.WeightsSource;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Resolves the configured weights to a verified local file: s3://bucket/key is downloaded once
 * into the cache (then checked like any download), https and files go through
 * {@link WeightsSource}.
 */
final class WorkerWeights {
    private WorkerWeights() {
    }

    static Path resolve(String location, String sha256, Path cacheDir, S3Client s3) {
        if (!location.startsWith("s3://")) {
            return new WeightsSource(location, sha256).resolve(cacheDir);
        }
        if (sha256 == null || sha256.isBlank()) {
            throw new WeightsException("weights from " + location + " need STYLIZE_WEIGHTS_SHA256");
        }
        URI uri = URI.create(location);
        String bucket = uri.getHost();
        String key = uri.getPath().substring(1);
        Path cached = cacheDir.resolve(sha256.toLowerCase() + ".safetensors");
        if (Files.isRegularFile(cached) && sha256.equalsIgnoreCase(WeightsSource.digest(cached))) {
            return cached;
        }
        Path partial = cacheDir.resolve("download-" + UUID.randomUUID() + ".part");
        try {
            Files.createDirectories(cacheDir);
            s3.getObject(b -> b.bucket(bucket).key(key), partial);
            new WeightsSource(partial.toString(), sha256).resolve(cacheDir); // verifies the checksum
            // Moved into place only once verified: a reader never sees an unchecked file.
            Files.move(partial, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return cached;
        } catch (IOException e) {
            throw new WeightsException("cannot cache weights from " + location + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a stray .part file in the cache is harmless
            }
        }
    }
}
