package dev.stylize.images;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Format and dimensions of an image, read from its header only (no pixel is decoded).
 * The intake function uses this on the first bytes of an upload; the decoder uses it
 * to refuse decompression bombs before allocating anything.
 *
 * <p>Only the formats this service documents are read, whatever else ImageIO happens to know
 * (GIF, BMP and WBMP ship with the JDK). Before a reader sees the bytes, {@link DeclaredSizes}
 * checks the sizes the file's metadata declares, so that reading the header allocates at most
 * in proportion to the bytes at hand.
 *
 * <p>Readers get an {@link UploadStream} over the bytes: ImageIO's default file cache writes
 * temp files and registers a JVM shutdown hook per stream, which fails while a worker is
 * checkpointing on SIGTERM.
 */
public record ImageHeader(String format, int width, int height) {

    /** The formats this service reads: ImageIO's format name to ours. */
    private static final Map<String, String> READABLE = Map.of(
            "jpeg", "jpeg", "png", "png", "webp", "webp", "tiff", "tiff", "bigtiff", "tiff");
    static final String READABLE_NAMES = "JPEG, PNG, WebP or TIFF";

    public long pixels() {
        return (long) width * height;
    }

    public static ImageHeader read(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw new InvalidImageException(name + " is empty (0 bytes), not an image");
        }
        try (ImageInputStream in = new UploadStream(bytes)) {
            ImageReader reader = readerFor(in, name);
            try {
                String format = READABLE.get(formatOf(reader));
                DeclaredSizes.check(format, bytes, name);
                reader.setInput(in, true, true);
                return new ImageHeader(format, reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (InvalidImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException(name + " has a damaged image header: " + InvalidImageException.reason(e), e);
        }
    }

    /** Refuses images that declare more pixels than {@code maxPixels}. */
    public void requireAtMost(long maxPixels) {
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException("image declares an empty size " + width + "x" + height);
        }
        if (pixels() > maxPixels) {
            throw new InvalidImageException(String.format(Locale.ROOT,
                    "image declares %dx%d = %,d pixels, more than the limit of %,d", width, height, pixels(), maxPixels));
        }
    }

    /**
     * A reader of a format this service reads that recognises {@code in}; the one place that
     * decides which formats are accepted. Refuses other formats by name.
     */
    static ImageReader readerFor(ImageInputStream in, String name) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        String otherFormat = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            String format = formatOf(reader);
            if (READABLE.containsKey(format)) {
                return reader;
            }
            if (otherFormat == null) {
                otherFormat = format;
            }
            reader.dispose();
        }
        if (otherFormat != null) {
            throw new InvalidImageException(name + " is a " + otherFormat.toUpperCase(Locale.ROOT)
                    + " image; this service reads " + READABLE_NAMES);
        }
        throw new InvalidImageException(name + " is not an image this service reads (" + READABLE_NAMES + " expected)");
    }

    private static String formatOf(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new IllegalStateException("an image reader without a format name", e);
        }
    }
}
