package dev.stylize.images;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Turns the bytes of a JPEG, PNG, WebP or TIFF into an upright 8-bit RGB image.
 *
 * <p>The pixel count declared in the header is checked before any pixel is decoded, so a
 * small file that declares a gigantic image (a decompression bomb) costs nothing.
 * Alpha is dropped (not composited), CMYK and 16-bit inputs are converted to sRGB by
 * the ImageIO plugins, and the EXIF orientation tag is applied.
 */
public final class ImageDecoder {
    /** 40 megapixels: a 8000x5000 photo, about 480 MB while decoding to ints. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public BufferedImage decode(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidImageException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return decode(bytes, file.getFileName().toString());
    }

    /** @param name what to call the input in error messages (a file name or an S3 key) */
    public BufferedImage decode(byte[] bytes, String name) {
        ImageHeader header = ImageHeader.read(bytes, name);
        header.requireAtMost(maxPixels);
        BufferedImage decoded = readPixels(bytes, name);
        return Orientation.of(exifOrientation(bytes)).apply(RgbImages.toRgb(decoded));
    }

    private static BufferedImage readPixels(byte[] bytes, String name) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.next();
            List<String> truncation = new ArrayList<>();
            // libjpeg only warns when data ends early and fills the rest with grey: refuse instead.
            reader.addIIOReadWarningListener((source, warning) -> {
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncated")) {
                    truncation.add(warning);
                }
            });
            try {
                reader.setInput(in, true, true);
                BufferedImage image = reader.read(0);
                if (!truncation.isEmpty()) {
                    throw new InvalidImageException(name + " is a damaged or truncated image: " + truncation.get(0));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (InvalidImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException(name + " is a damaged or truncated image: " + e.getMessage(), e);
        }
    }

    /** EXIF orientation 1..8, or 1 when the file has none (or metadata we cannot parse). */
    private static int exifOrientation(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            for (ExifIFD0Directory dir : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
                if (dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                    return dir.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                }
            }
        } catch (Exception e) {
            // Broken or exotic metadata must not reject a decodable image: treat it as upright.
        }
        return 1;
    }
}
