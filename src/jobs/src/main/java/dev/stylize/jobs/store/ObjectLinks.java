package dev.stylize.jobs.store;

import java.net.URI;
import java.time.Duration;

/** Links that let someone without rights to the bucket put or get one object for a while (S3 presigned URLs). */
public interface ObjectLinks {
    /** A URL that takes the object's bytes with a plain HTTP PUT until {@code life} has passed. */
    URI upload(String key, Duration life);

    /** A URL that serves the object with a plain HTTP GET until {@code life} has passed. */
    URI download(String key, Duration life);
}
