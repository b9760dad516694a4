package dev.stylize.images;

/**
 * The memory bounds this module promises for untrusted bytes, in bytes of heap allocated by
 * the calling thread (everything the readers create, kept or not). Tests and fuzz targets
 * check every input against them.
 */
final class MemoryBound {
    /** Reading a header (the intake): per byte at hand, for metadata parsed into objects... */
    static final long HEADER_BYTES_PER_INPUT_BYTE = 64;
    /** ...plus readers' tables. */
    static final long HEADER_FIXED = 8L << 20;

    /** Decoding (the worker): per declared pixel; the lossy WebP decoder's ~125 is the most... */
    static final long DECODE_BYTES_PER_PIXEL = 160;
    /** ...plus per byte of the file... */
    static final long DECODE_BYTES_PER_INPUT_BYTE = 64;
    /** ...plus readers' tables. */
    static final long DECODE_FIXED = 16L << 20;

    private MemoryBound() {
    }

    static long header(long inputBytes) {
        return HEADER_BYTES_PER_INPUT_BYTE * inputBytes + HEADER_FIXED;
    }

    /** @param pixels the declared pixels, capped at the decoder's limit (more are refused first) */
    static long decode(long pixels, long inputBytes) {
        return DECODE_BYTES_PER_PIXEL * pixels + DECODE_BYTES_PER_INPUT_BYTE * inputBytes + DECODE_FIXED;
    }
}
