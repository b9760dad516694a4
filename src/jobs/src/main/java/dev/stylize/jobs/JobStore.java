package dev.stylize.jobs;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.List;
import java.util.Optional;

/** Reads and writes one bucket's objects: JSON documents, images, checkpoints. */
public final class JobStore {
    private final S3Client s3;
    private final String bucket;

    public JobStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    public S3Client s3() {
        return s3;
    }

    public <T> Optional<T> readJson(String key, Class<T> type) {
        return readBytes(key).map(bytes -> Json.read(bytes, type));
    }

    public void writeJson(String key, Object value) {
        put(key, Json.write(value), "application/json");
    }

    /**
     * Writes {@code value} only if no object exists at {@code key} (S3 conditional write).
     *
     * @return true if this call created it, false if it was already there
     */
    public boolean createJson(String key, Object value) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json").ifNoneMatch("*"),
                    RequestBody.fromBytes(Json.write(value)));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw e;
        }
    }

    public Optional<byte[]> readBytes(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return Optional.of(bytes.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** The first {@code length} bytes (fewer if the object is shorter), for header checks. */
    public Optional<byte[]> readPrefix(String key, int length) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=0-" + (length - 1)))
                    .asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** The last {@code length} bytes (fewer if the object is shorter), for trailer checks. */
    public Optional<byte[]> readSuffix(String key, int length) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=-" + length)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    public void put(String key, byte[] bytes, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    }

    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Every object under {@code prefix}, all pages. */
    public List<S3Object> list(String prefix) {
        return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().stream().toList();
    }
}
