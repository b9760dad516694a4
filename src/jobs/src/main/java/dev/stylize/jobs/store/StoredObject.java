package dev.stylize.jobs.store;

import java.time.Instant;

/**
 * One entry of a listing.
 *
 * @param etag the object's entity tag, which changes whenever its bytes do (S3's, quotes included)
 */
public record StoredObject(String key, long size, Instant lastModified, String etag) {
}
