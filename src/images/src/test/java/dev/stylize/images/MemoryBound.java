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

    /**
     * Decoding (the worker): per declared pixel, counted in whole 16x16 blocks as block-based
     * codecs decode them (a 4096x1 WebP is decoded as 4096x16); the lossy WebP decoder's ~125
     * bytes is the most...
     */
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

    /**
     * @param header    what the file declares, or null when its header is refused
     * @param maxPixels the decoder's limit: an image over it is refused before any pixel is decoded
     */
    static long decode(ImageHeader header, long maxPixels, long inputBytes) {
        long pixels = 0;
        if (header != null && header.pixels() <= maxPixels) {
            pixels = (long) blocks(header.width()) * blocks(header.height()) * 256;
        }
        return DECODE_BYTES_PER_PIXEL * pixels + DECODE_BYTES_PER_INPUT_BYTE * inputBytes + DECODE_FIXED;
    }

    private static long blocks(int size) {
        return (Math.max(size, 0) + 15L) / 16;
    }
}
