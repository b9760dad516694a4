package dev.stylize.images;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static dev.stylize.images.Bytes.ascii;
import static dev.stylize.images.Bytes.startsWith;
import static dev.stylize.images.Bytes.u16;
import static dev.stylize.images.Bytes.u24;
import static dev.stylize.images.Bytes.u32;
import static dev.stylize.images.Bytes.u64;

/**
 * Refuses files whose metadata declares sizes that would make an image reader allocate far more
 * than the file holds. Runs on the bytes at hand (the whole file, or the intake's first bytes)
 * before any reader sees them, so reading a header or decoding costs memory in proportion to
 * the input and the declared pixels, never to a number an uploader wrote.
 *
 * <p>What the readers would otherwise trust, found by reading them and by fuzzing:
 * <ul>
 *   <li>an ICC colour profile's header: the JPEG reader (also for JPEG tiles inside a TIFF)
 *       and the WebP reader allocate the size it declares before reading the profile;
 *   <li>TIFF tags: each tag's values are read and kept separately, so thousands of tags
 *       pointing at the same megabyte allocate gigabytes;
 *   <li>WebP: a bitstream inside the file declares its own dimensions, and the lossy decoder
 *       allocates for those, not for the canvas the header (and the pixel limit) saw; every
 *       bitstream chunk after the first is decoded again; and lossless data can name tens of
 *       thousands of code groups or repeat its transforms ({@link LosslessWebp}).
 * </ul>
 * Every offset and length here is checked against the bytes at hand; nothing is allocated in
 * proportion to a declared size.
 */
final class DeclaredSizes {
    private static final int ICC_HEADER_SIZE = 128;

    private DeclaredSizes() {
    }

    /** @param format our format name, from {@link ImageHeader} */
    static void check(String format, byte[] file, String name) {
        checkJpegColourProfiles(file, name);
        switch (format) {
            case "webp" -> checkWebp(file, name);
            case "tiff" -> checkTiff(file, name);
            default -> {
            }
        }
    }

    // ---- JPEG colour profiles, wherever JPEG data sits ----

    private static final byte[] ICC_SEGMENT_ID = ascii("ICC_PROFILE\0");
    private static final byte[] ICC_SIGNATURE = ascii("acsp");

    /**
     * Every APP2 "ICC_PROFILE" chunk in the file: a chunk that starts a profile (its header's
     * "acsp" signature in place) may declare no more bytes than the file has, and a chunk too
     * short to hold a profile header may only be the last of several, so that no header can be
     * pieced together across chunks.
     */
    private static void checkJpegColourProfiles(byte[] f, String name) {
        boolean first = true;
        for (int at = 0; at + 4 + ICC_SEGMENT_ID.length + 2 <= f.length; at++) {
            if ((f[at] & 0xFF) != 0xFF || (f[at + 1] & 0xFF) != 0xE2 || !startsWith(f, at + 4, ICC_SEGMENT_ID)) {
                continue;
            }
            int segmentEnd = (int) Math.min(f.length, (long) at + 2 + u16(f, at + 2, false));
            int sequence = f[at + 4 + ICC_SEGMENT_ID.length] & 0xFF;
            int count = f[at + 4 + ICC_SEGMENT_ID.length + 1] & 0xFF;
            int profile = at + 4 + ICC_SEGMENT_ID.length + 2;
            int length = segmentEnd - profile;
            boolean lastOfSeveral = count > 1 && sequence == count && !first;
            if (length < ICC_HEADER_SIZE && !lastOfSeveral) {
                throw new InvalidImageException(String.format(Locale.ROOT,
                        "%s has a damaged colour profile: a part of %d bytes, too short for a profile header", name, Math.max(length, 0)));
            }
            if (length >= 40 && startsWith(f, profile + 36, ICC_SIGNATURE)) {
                requireFits("a colour profile declares", u32(f, profile, false), f.length, name);
            }
            first = false;
        }
    }

    // ---- WebP ----

    /**
     * The RIFF chunks: an ICCP profile fits in its chunk; each frame (the canvas, or an ANMF
     * animation frame) holds at most one image bitstream and one alpha chunk, and a bitstream
     * declares no more width or height than its frame.
     */
    private static void checkWebp(byte[] f, String name) {
        if (f.length < 20) {
            return;
        }
        long riffEnd = Math.min(f.length, 8 + u32(f, 4, true));
        if (startsWith(f, 12, ascii("VP8L"))) { // a simple lossless file: its header's size is the image's
            long end = Math.min(riffEnd, 20 + u32(f, 16, true));
            long[] size = vp8lSize(f, 20, end);
            if (size != null) {
                LosslessWebp.check(f, 25, end, (int) size[0], (int) size[1], name);
            }
            return;
        }
        if (f.length < 30 || !startsWith(f, 12, ascii("VP8X"))) {
            return; // a simple lossy file: its header's size is the image's
        }
        int canvasWidth = 1 + u24(f, 24);
        int canvasHeight = 1 + u24(f, 27);
        checkWebpFrame(f, 12, riffEnd, canvasWidth, canvasHeight, true, name);
    }

    private static void checkWebpFrame(byte[] f, long from, long to, int width, int height, boolean topLevel, String name) {
        int bitstreams = 0;
        int alphas = 0;
        for (long pos = from; pos + 8 <= to; ) {
            int at = (int) pos;
            long size = u32(f, at + 4, true);
            long data = pos + 8;
            long end = Math.min(to, data + size);
            String fourcc = new String(f, at, 4, StandardCharsets.ISO_8859_1);
            switch (fourcc) {
                case "VP8 ", "VP8L" -> {
                    if (++bitstreams > 1) {
                        throw new InvalidImageException(name + " is a damaged WebP: a frame holds more than one image");
                    }
                    long[] declared = fourcc.equals("VP8L") ? vp8lSize(f, data, end) : vp8Size(f, data, end);
                    if (declared != null && (declared[0] > width || declared[1] > height)) {
                        throw new InvalidImageException(String.format(Locale.ROOT,
                                "%s is a damaged WebP: its image data declares %dx%d, larger than its %dx%d frame",
                                name, declared[0], declared[1], width, height));
                    }
                    if (fourcc.equals("VP8L")) {
                        LosslessWebp.check(f, data + 5, end, width, height, name); // read at the frame's size
                    }
                }
                case "ALPH" -> {
                    if (++alphas > 1) {
                        throw new InvalidImageException(name + " is a damaged WebP: a frame holds more than one alpha channel");
                    }
                    if (end - data >= 1 && (f[(int) data] & 3) == 1) { // compressed losslessly
                        LosslessWebp.check(f, data + 1, end, width, height, name);
                    }
                }
                case "ICCP" -> {
                    if (end - data >= 40 && startsWith(f, data + 36, ICC_SIGNATURE)) {
                        requireFits("a colour profile declares", u32(f, (int) data, false), f.length, name);
                    }
                }
                case "ANMF" -> {
                    if (topLevel && end - data >= 16) {
                        int frameWidth = 1 + u24(f, (int) data + 6);
                        int frameHeight = 1 + u24(f, (int) data + 9);
                        checkWebpFrame(f, data + 16, end, frameWidth, frameHeight, false, name);
                    }
                }
                default -> {
                }
            }
            pos = data + size + (size & 1);
        }
    }

    /** Width and height from a lossy key frame's header, or null for what the decoder skips. */
    private static long[] vp8Size(byte[] f, long data, long end) {
        if (end - data < 10 || (f[(int) data] & 1) != 0) {
            return null; // too short to be read, or not a key frame: nothing is decoded
        }
        int at = (int) data;
        return new long[] {u16(f, at + 6, true) & 0x3FFF, u16(f, at + 8, true) & 0x3FFF};
    }

    /** Width and height from a lossless bitstream's header: 14 bits each, less one. */
    private static long[] vp8lSize(byte[] f, long data, long end) {
        if (end - data < 5) {
            return null;
        }
        long bits = u32(f, (int) data + 1, true);
        return new long[] {1 + (bits & 0x3FFF), 1 + (bits >> 14 & 0x3FFF)};
    }

    // ---- TIFF ----

    private static final int[] TIFF_TYPE_SIZES = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8};
    private static final int SUB_IFDS = 330;
    private static final int EXIF_IFD = 34665;
    private static final int GPS_IFD = 34853;
    private static final int INTEROP_IFD = 40965;

    /**
     * Every directory the TIFF reader parses (the chain from the header, and the SubIFD, EXIF,
     * GPS and interoperability directories they point to): the values stored outside their
     * entries may add up to no more than the file, as they do when each value has bytes of its
     * own.
     */
    private static void checkTiff(byte[] f, String name) {
        if (f.length < 8) {
            return;
        }
        boolean little = f[0] == 'I';
        boolean big = u16(f, 2, little) == 43;
        if (big && f.length < 16) {
            return;
        }
        int offsetSize = big ? 8 : 4;
        int entrySize = big ? 20 : 12;
        Deque<Long> pending = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        long total = 0;
        // Each directory is parsed once (a loop in the chain would otherwise never end), and every
        // step reads bytes no other step counted, so the walk stays linear in the input.
        for (long next = offset(f, big ? 8 : 4, 0, big, little); next > 0 && next < f.length && seen.add(next); ) {
            long ifd = next;
            long count = big ? u64Clamped(f, ifd, little) : (ifd + 2 <= f.length ? u16(f, (int) ifd, little) : 0);
            long entries = ifd + (big ? 8 : 2);
            count = Math.max(0, Math.min(count, (f.length - entries) / entrySize));
            for (long i = 0; i < count; i++) {
                int entry = (int) (entries + i * entrySize);
                int tag = u16(f, entry, little);
                int type = u16(f, entry + 2, little);
                long values = big ? u64Clamped(f, entry + 4, little) : u32(f, entry + 4, little);
                int typeSize = type < TIFF_TYPE_SIZES.length ? TIFF_TYPE_SIZES[type] : 0;
                long length = typeSize == 0 || values < 0 || values > Long.MAX_VALUE / 8 ? 0 : values * typeSize;
                long valueAt = entry + (big ? 12 : 8);
                if (length > offsetSize) {
                    valueAt = offset(f, valueAt, offsetSize, big, little);
                    if (valueAt < 0 || valueAt + length > f.length) {
                        continue; // the reader skips values past the end
                    }
                    total += length;
                    requireFits("the values of its tags add up to", total, f.length, name);
                }
                if (tag == SUB_IFDS || tag == EXIF_IFD || tag == GPS_IFD || tag == INTEROP_IFD) {
                    for (long v = 0; v < values && typeSize > 0 && valueAt + (v + 1) * typeSize <= f.length; v++) {
                        long sub = offset(f, valueAt + v * typeSize, typeSize, big, little);
                        if (sub > 0 && sub < f.length && !seen.contains(sub)) {
                            pending.add(sub);
                        }
                    }
                }
            }
            long link = entries + count * entrySize;
            next = link + offsetSize <= f.length ? offset(f, link, offsetSize, big, little) : 0;
            while ((next <= 0 || next >= f.length || seen.contains(next)) && !pending.isEmpty()) {
                next = pending.poll();
            }
        }
    }

    /** An offset of {@code size} bytes (a directory pointer may be any unsigned type); 0 means the header's. */
    private static long offset(byte[] f, long at, int size, boolean big, boolean little) {
        return switch (size == 0 ? (big ? 8 : 4) : size) {
            case 1 -> f[(int) at] & 0xFF;
            case 2 -> u16(f, (int) at, little);
            case 4 -> u32(f, (int) at, little);
            default -> u64Clamped(f, at, little);
        };
    }
    // ---- shared ----

    /** @param what a subject and verb, e.g. "a colour profile declares" */
    private static void requireFits(String what, long declared, long available, String name) {
        if (declared > available) {
            throw new InvalidImageException(String.format(Locale.ROOT,
                    "%s is damaged: %s %,d bytes, more than the whole file's %,d", name, what, declared, available));
        }
    }

    /** Unsigned 64 bits, or -1 when the value would not fit in a long or lies past the end. */
    private static long u64Clamped(byte[] f, long at, boolean little) {
        if (at < 0 || at + 8 > f.length) {
            return -1;
        }
        long value = u64(f, (int) at, little);
        return value < 0 ? -1 : value;
    }
}
