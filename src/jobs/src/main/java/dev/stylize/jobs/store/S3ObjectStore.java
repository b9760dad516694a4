package dev.stylize.jobs.store;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** An {@link ObjectStore} on one S3 bucket (or an emulator's). */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client s3;
    private final String bucket;

    public S3ObjectStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public Optional<byte[]> read(String key) {
        return get(key, null);
    }

    /** One request: the size comes with the object's headers, and a body too large is not read. */
    @Override
    public Optional<byte[]> readAtMost(String key, long maxBytes) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            long size = in.response().contentLength();
            if (size > maxBytes) {
                in.abort();
                throw new ObjectTooLargeException(key, size);
            }
            return Optional.of(in.readAllBytes());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw SdkClientException.create("reading s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> readFirst(String key, int length) {
        return get(key, "bytes=0-" + (length - 1));
    }

    @Override
    public Optional<byte[]> readLast(String key, int length) {
        return get(key, "bytes=-" + length);
    }

    private Optional<byte[]> get(String key, String range) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range(range)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<StoredObject> describe(String key) {
        try {
            var head = s3.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new StoredObject(key, head.contentLength(), head.lastModified(), head.eTag()));
        } catch (S3Exception e) { // NoSuchKeyException among them
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void write(String key, byte[] bytes, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    }

    @Override
    public void writeTagged(String key, byte[] bytes, String contentType, String tag) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).tagging(tag), RequestBody.fromBytes(bytes));
    }

    @Override
    public boolean create(String key, byte[] bytes, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).ifNoneMatch("*"), RequestBody.fromBytes(bytes));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().stream().map(o -> new StoredObject(o.key(), o.size(), o.lastModified(), o.eTag())).toList();
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
}
