package dev.stylize.images;

import static dev.stylize.images.Bytes.ascii;
import static dev.stylize.images.Bytes.startsWith;
import static dev.stylize.images.Bytes.u16;
import static dev.stylize.images.Bytes.u32;
import static dev.stylize.images.Bytes.u64;

/**
 * The EXIF orientation (tag 0x0112 of the first image directory) of a JPEG, PNG, WebP or TIFF,
 * read in place from the few bytes that hold it.
 *
 * <p>Orientation needs one number, so this walks the file's container (JPEG segments, PNG
 * chunks, RIFF chunks, TIFF directory) without inflating, copying or allocating anything, and
 * checks every length and offset against the bytes at hand. General metadata libraries read
 * every text and profile chunk on the way, which lets a small file inflate to gigabytes.
 */
final class ExifOrientation {
    /** What a file without a readable orientation is: stored upright. */
    static final int UPRIGHT = 1;

    private static final int ORIENTATION_TAG = 0x0112;
    private static final byte[] EXIF_PREFIX = ascii("Exif\0\0");
    private static final byte[] JPEG_SOI = {(byte) 0xFF, (byte) 0xD8};
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};
    private static final byte[] RIFF = ascii("RIFF");
    private static final byte[] WEBP = ascii("WEBP");
    private static final byte[] PNG_EXIF = ascii("eXIf");
    private static final byte[] PNG_END = ascii("IEND");
    private static final byte[] WEBP_EXIF = ascii("EXIF");

    private ExifOrientation() {
    }

    /** 1 to 8 as EXIF defines them, or {@link #UPRIGHT} when there is none or it cannot be read. */
    static int of(byte[] file) {
        int orientation;
        if (startsWith(file, 0, JPEG_SOI)) {
            orientation = inJpeg(file);
        } else if (startsWith(file, 0, PNG_SIGNATURE)) {
            orientation = inPng(file);
        } else if (startsWith(file, 0, RIFF) && startsWith(file, 8, WEBP)) {
            orientation = inWebp(file);
        } else {
            orientation = inTiff(file, 0, file.length);
        }
        return orientation >= 1 && orientation <= 8 ? orientation : UPRIGHT;
    }

    /** Segments from SOI up to the first scan; the first APP1 "Exif" segment with the tag wins. */
    private static int inJpeg(byte[] f) {
        int pos = 2;
        while (pos + 4 <= f.length) {
            if ((f[pos] & 0xFF) != 0xFF) {
                return 0;
            }
            int marker = f[pos + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte before a marker
                pos++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan or end of image: no metadata after this
                return 0;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { // markers without a length
                pos += 2;
                continue;
            }
            int length = u16(f, pos + 2, false); // counts itself, not the marker
            int end = pos + 2 + length;
            if (length < 2 || end > f.length) {
                return 0;
            }
            if (marker == 0xE1 && startsWith(f, pos + 4, EXIF_PREFIX)) {
                int orientation = inTiff(f, pos + 4 + EXIF_PREFIX.length, end);
                if (orientation != 0) {
                    return orientation;
                }
            }
            pos = end;
        }
        return 0;
    }

    /** Chunks after the signature; an "eXIf" chunk holds a TIFF structure. */
    private static int inPng(byte[] f) {
        long pos = 8;
        while (pos + 8 <= f.length) {
            long length = u32(f, (int) pos, false);
            long data = pos + 8;
            if (data + length > f.length) {
                return 0;
            }
            if (startsWith(f, (int) pos + 4, PNG_EXIF)) {
                return inTiffMaybePrefixed(f, (int) data, (int) (data + length));
            }
            if (startsWith(f, (int) pos + 4, PNG_END)) {
                return 0;
            }
            pos = data + length + 4; // and the CRC
        }
        return 0;
    }

    /** RIFF chunks after "RIFF" size "WEBP"; an "EXIF" chunk holds a TIFF structure. */
    private static int inWebp(byte[] f) {
        long pos = 12;
        while (pos + 8 <= f.length) {
            long size = u32(f, (int) pos + 4, true);
            long data = pos + 8;
            if (data + size > f.length) {
                return 0;
            }
            if (startsWith(f, (int) pos, WEBP_EXIF)) {
                return inTiffMaybePrefixed(f, (int) data, (int) (data + size));
            }
            pos = data + size + (size & 1); // chunks are padded to an even length
        }
        return 0;
    }

    /** Some writers copy JPEG's "Exif\0\0" prefix into PNG and WebP EXIF chunks as well. */
    private static int inTiffMaybePrefixed(byte[] f, int start, int end) {
        boolean prefixed = end - start >= EXIF_PREFIX.length && startsWith(f, start, EXIF_PREFIX);
        return inTiff(f, prefixed ? start + EXIF_PREFIX.length : start, end);
    }

    /**
     * The orientation entry of IFD0 of the TIFF structure in {@code f[start, end)}, offsets
     * counted from {@code start}; 0 when there is none. Handles classic TIFF and BigTIFF.
     */
    private static int inTiff(byte[] f, int start, int end) {
        if (end - start < 8) {
            return 0;
        }
        boolean little;
        if (f[start] == 'I' && f[start + 1] == 'I') {
            little = true;
        } else if (f[start] == 'M' && f[start + 1] == 'M') {
            little = false;
        } else {
            return 0;
        }
        int magic = u16(f, start + 2, little);
        boolean big = magic == 43;
        if (magic != 42 && !(big && end - start >= 16)) {
            return 0;
        }
        long ifd = big ? u64(f, start + 8, little) : u32(f, start + 4, little);
        int countSize = big ? 8 : 2;
        int entrySize = big ? 20 : 12;
        if (ifd < 0 || ifd > end - start - countSize) {
            return 0;
        }
        int at = start + (int) ifd;
        long count = big ? u64(f, at, little) : u16(f, at, little);
        long fit = (end - at - countSize) / entrySize;
        if (count < 0 || count > fit) {
            count = fit; // a damaged count: read the entries that are there
        }
        for (int i = 0; i < count; i++) {
            int entry = at + countSize + i * entrySize;
            if (u16(f, entry, little) != ORIENTATION_TAG) {
                continue;
            }
            int type = u16(f, entry + 2, little);
            int value = entry + (big ? 12 : 8); // a single value sits in the entry itself
            return switch (type) {
                case 1 -> f[value] & 0xFF;             // BYTE
                case 3 -> u16(f, value, little);        // SHORT, what the standard says
                case 4 -> (int) Math.min(u32(f, value, little), Integer.MAX_VALUE); // LONG
                default -> 0;
            };
        }
        return 0;
    }
}
