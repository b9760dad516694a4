package dev.stylize.jobs.store;

/** An object larger than its reader takes ({@link ObjectStore#readAtMost}); none of it was read. */
public final class ObjectTooLargeException extends RuntimeException {
    private final long size;

    public ObjectTooLargeException(String key, long size) {
        super(key + " has " + size + " bytes");
        this.size = size;
    }

    /** The object's size in bytes. */
    public long size() {
        return size;
    }
}
