package dev.stylize.jobs.store;

import java.util.List;
import java.util.Optional;

/**
 * One bucket's objects, as the service uses them: whole reads, reads of the first or last bytes
 * (header checks without downloading), plain and create-once writes, listings. S3 in production;
 * an in-memory map in unit tests.
 */
public interface ObjectStore {

    String bucket();

    /** The object's bytes, or empty when there is none. */
    Optional<byte[]> read(String key);

    /**
     * The object's bytes if it has at most {@code maxBytes}, or empty when there is none.
     *
     * @throws ObjectTooLargeException when it has more; none of it is read
     */
    default Optional<byte[]> readAtMost(String key, long maxBytes) {
        Optional<Long> size = size(key);
        if (size.isPresent() && size.get() > maxBytes) {
            throw new ObjectTooLargeException(key, size.get());
        }
        return size.isEmpty() ? Optional.empty() : read(key);
    }

    /** The first {@code length} bytes (fewer if the object is shorter), or empty when there is none. */
    Optional<byte[]> readFirst(String key, int length);

    /** The last {@code length} bytes (fewer if the object is shorter), or empty when there is none. */
    Optional<byte[]> readLast(String key, int length);

    /** The object's listing entry (size, time, ETag) without reading it, or empty when there is none. */
    Optional<StoredObject> describe(String key);

    /** The object's size in bytes, or empty when there is none. */
    default Optional<Long> size(String key) {
        return describe(key).map(StoredObject::size);
    }

    default boolean exists(String key) {
        return size(key).isPresent();
    }

    void write(String key, byte[] bytes, String contentType);

    /** Writes an object tagged {@code tag} ({@code key=value}), which the bucket's lifecycle rules may expire. */
    void writeTagged(String key, byte[] bytes, String contentType, String tag);

    /**
     * Writes only if no object exists at {@code key} (a conditional write).
     *
     * @return true if this call created it, false if it was already there
     */
    boolean create(String key, byte[] bytes, String contentType);

    /** Every object under {@code prefix}, all pages. */
    List<StoredObject> list(String prefix);

    void delete(String key);
}
