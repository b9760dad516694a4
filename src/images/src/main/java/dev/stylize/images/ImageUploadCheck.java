package dev.stylize.images;

import dev.stylize.plan.InvalidInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the intake checks of an image upload without downloading it: the size from the event,
 * format and dimensions from its first bytes, completeness from its last. The console runs the
 * same checks on a file before uploading it, so both say the same thing.
 */
public final class ImageUploadCheck {
    /** Enough for the header of nearly every photo (EXIF, ICC, thumbnail come before the frame). */
    static final int HEADER_BYTES = 256 * 1024;
    static final int LARGE_HEADER_BYTES = 4 * 1024 * 1024;
    /** Length 0, "IEND", CRC: the last 12 bytes of every complete PNG. */
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    /** Where the upload's bytes come from: S3 ranges for the intake, a local file for the console. */
    public interface Source {
        /** The first {@code length} bytes, or empty when the object is gone. */
        Optional<byte[]> first(int length);

        Optional<byte[]> last(int length);
    }

    private ImageUploadCheck() {
    }

    /**
     * @param name what to call the upload in messages (its file name)
     * @param size its size in bytes, when known without reading it
     * @param maxUploadBytes larger uploads are refused from their size alone
     * @param maxPixels larger declared dimensions are refused from the header
     * @return its header, once it passed
     * @throws InvalidInputException or {@link InvalidImageException} saying why it cannot be a photo
     */
    public static ImageHeader check(String name, Long size, long maxUploadBytes, long maxPixels, Source source) {
        if (size != null && size == 0) {
            throw new InvalidInputException(name + " is empty (0 bytes), not an image");
        }
        if (size != null && size > maxUploadBytes) {
            throw new InvalidInputException(String.format(Locale.ROOT, "%s is %.1f MB; the limit is %.1f MB",
                    name, size / 1048576.0, maxUploadBytes / 1048576.0));
        }
        byte[] head = source.first(HEADER_BYTES).orElseThrow(() -> gone(name));
        ImageHeader header;
        try {
            header = ImageHeader.read(head, name);
        } catch (InvalidImageException e) {
            if (head.length < HEADER_BYTES) {
                throw e;
            }
            header = ImageHeader.read(source.first(LARGE_HEADER_BYTES).orElseThrow(() -> gone(name)), name);
        }
        header.requireAtMost(maxPixels);
        requireComplete(name, header, head, size, source);
        return header;
    }

    /**
     * Catches truncated PNG and WebP files from their last bytes or their declared length.
     * Not JPEG: phones' motion photos carry a video after the JPEG's end marker, so a missing
     * marker at the end proves nothing; the worker's decoder refuses truncated JPEGs.
     */
    private static void requireComplete(String name, ImageHeader header, byte[] head, Long size, Source source) {
        if (header.format().equals("png")) {
            byte[] tail = source.last(PNG_END.length).orElse(new byte[0]);
            if (!Arrays.equals(tail, PNG_END)) {
                throw new InvalidInputException(name + " is truncated: a PNG ends with its IEND chunk, this one does not");
            }
        } else if (header.format().equals("webp") && size != null && head.length >= 8) {
            long declared = (head[4] & 0xFFL) | (head[5] & 0xFFL) << 8 | (head[6] & 0xFFL) << 16 | (head[7] & 0xFFL) << 24;
            if (declared + 8 != size) {
                throw new InvalidInputException(name + " is truncated: the WebP declares " + (declared + 8) + " bytes but has " + size);
            }
        }
    }

    private static InvalidInputException gone(String name) {
        return new InvalidInputException(name + " was deleted before it could be checked");
    }
}
