package dev.stylize.jobs.testing;

import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.StoredObject;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ObjectStore} in a map, for unit tests where S3 is not the point; held to the S3
 * store's behaviour by the same contract test. Counts writes so tests can see what was written.
 */
public final class InMemoryObjectStore implements ObjectStore {
    private record Entry(byte[] bytes, Instant modified) {
        /** As S3 makes it for an object written in one piece: the MD5 of its bytes, quoted. */
        String etag() {
            try {
                return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)) + "\"";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        StoredObject listed(String key) {
            return new StoredObject(key, bytes.length, modified, etag());
        }
    }

    private final String bucket;
    private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();
    public final AtomicInteger writes = new AtomicInteger();

    public InMemoryObjectStore(String bucket) {
        this.bucket = bucket;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public Optional<byte[]> read(String key) {
        return Optional.ofNullable(objects.get(key)).map(e -> e.bytes().clone());
    }

    @Override
    public Optional<byte[]> readFirst(String key, int length) {
        return read(key).map(b -> Arrays.copyOf(b, Math.min(length, b.length)));
    }

    @Override
    public Optional<byte[]> readLast(String key, int length) {
        return read(key).map(b -> Arrays.copyOfRange(b, Math.max(0, b.length - length), b.length));
    }

    @Override
    public Optional<StoredObject> describe(String key) {
        return Optional.ofNullable(objects.get(key)).map(e -> e.listed(key));
    }

    @Override
    public void write(String key, byte[] bytes, String contentType) {
        writes.incrementAndGet();
        objects.put(key, new Entry(bytes.clone(), Instant.now()));
    }

    @Override
    public void writeTagged(String key, byte[] bytes, String contentType, String tag) {
        write(key, bytes, contentType);
    }

    @Override
    public boolean create(String key, byte[] bytes, String contentType) {
        boolean created = objects.putIfAbsent(key, new Entry(bytes.clone(), Instant.now())) == null;
        if (created) {
            writes.incrementAndGet();
        }
        return created;
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return objects.subMap(prefix, prefix + Character.MAX_VALUE).entrySet().stream()
                .map(e -> e.getValue().listed(e.getKey())).toList();
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }
}
