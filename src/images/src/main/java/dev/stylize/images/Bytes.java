package dev.stylize.images;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Markers and unsigned integers read in place from a file's bytes, for the readers of container
 * structures ({@link ExifOrientation}, {@link DeclaredSizes}); the callers check every offset.
 */
final class Bytes {
    private Bytes() {
    }

    /** Whether {@code prefix} stands at {@code at}; false when it would reach past either end. */
    static boolean startsWith(byte[] f, long at, byte[] prefix) {
        return at >= 0 && at + prefix.length <= f.length
                && Arrays.equals(f, (int) at, (int) at + prefix.length, prefix, 0, prefix.length);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static int u16(byte[] f, int at, boolean little) {
        int a = f[at] & 0xFF;
        int b = f[at + 1] & 0xFF;
        return little ? b << 8 | a : a << 8 | b;
    }

    /** Little-endian, as RIFF (WebP) stores them. */
    static int u24(byte[] f, int at) {
        return (f[at] & 0xFF) | (f[at + 1] & 0xFF) << 8 | (f[at + 2] & 0xFF) << 16;
    }

    static long u32(byte[] f, int at, boolean little) {
        long a = u16(f, at, little);
        long b = u16(f, at + 2, little);
        return little ? b << 16 | a : a << 16 | b;
    }

    /** Unsigned 64 bits as a long; values over {@code Long.MAX_VALUE} come out negative. */
    static long u64(byte[] f, int at, boolean little) {
        long a = u32(f, at, little);
        long b = u32(f, at + 4, little);
        return little ? b << 32 | a : a << 32 | b;
    }
}
