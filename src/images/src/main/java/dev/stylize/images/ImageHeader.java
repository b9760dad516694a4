package dev.stylize.images;


import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Format and dimensions of an image, read from its header only (no pixel is decoded).
 * The intake function uses this on the first bytes of an upload; the decoder uses it
 * to refuse decompression bombs before allocating anything.
 *
 * <p>Streams here are memory-cached on purpose: ImageIO's default file cache writes temp
 * files and registers a JVM shutdown hook per stream, which fails while a worker is
 * checkpointing on SIGTERM.
 */
public record ImageHeader(String format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }

    public static ImageHeader read(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw new InvalidImageException(name + " is empty (0 bytes), not an image");
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException(name + " is not an image this service reads"
                        + " (JPEG, PNG, WebP or TIFF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                return new ImageHeader(format, reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException invalid) {
                throw invalid;
            }
            throw new InvalidImageException(name + " has a damaged image header: " + e.getMessage(), e);
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
}
