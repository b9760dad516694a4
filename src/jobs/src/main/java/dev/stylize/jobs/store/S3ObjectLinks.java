package dev.stylize.jobs.store;

import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;

/** Presigned S3 URLs for one bucket, signed with the caller's (the function's) credentials. */
public final class S3ObjectLinks implements ObjectLinks {
    private final S3Presigner presigner;
    private final String bucket;

    public S3ObjectLinks(S3Presigner presigner, String bucket) {
        this.presigner = presigner;
        this.bucket = bucket;
    }

    @Override
    public URI upload(String key, Duration life) {
        return URI.create(presigner.presignPutObject(p -> p.signatureDuration(life)
                .putObjectRequest(r -> r.bucket(bucket).key(key))).url().toString());
    }

    @Override
    public URI download(String key, Duration life) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(life)
                .getObjectRequest(r -> r.bucket(bucket).key(key))).url().toString());
    }
}
