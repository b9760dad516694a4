package dev.stylize.jobs.store;

import java.time.Instant;

/** One entry of a listing. */
public record StoredObject(String key, long size, Instant lastModified) {
}
