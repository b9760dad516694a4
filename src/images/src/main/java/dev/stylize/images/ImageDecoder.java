package dev.stylize.images;

import dev.stylize.plan.Limits;

import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the bytes of a JPEG, PNG, WebP or TIFF into an upright 8-bit RGB image.
 *
 * <p>Memory is bounded by what the header declares, checked before any pixel is decoded: the
 * pixel count against the limit (a small file declaring a gigantic image costs nothing), and
 * the bytes the reader's own raster would take (a TIFF may store many wide samples per pixel)
 * against {@link #MAX_BYTES_PER_PIXEL} per allowed pixel. {@link ImageHeader} has already
 * refused metadata that declares more than the file holds. Alpha is dropped (not composited),
 * CMYK and 16-bit inputs are converted to sRGB by the ImageIO plugins, an embedded colour
 * profile is applied (the pixels are sRGB, as the optimisation and the result assume;
 * {@link EmbeddedProfile}), and the EXIF orientation is applied.
 */
public final class ImageDecoder {
    /** 40 megapixels: a 8000x5000 photo, about 480 MB while decoding to ints. */
    public static final long DEFAULT_MAX_PIXELS = Limits.PHOTO_PIXELS;
    /** Room for four 16-bit channels, the widest a photo usually has. */
    static final int MAX_BYTES_PER_PIXEL = 8;

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
        BufferedImage decoded = readPixels(bytes, name, header);
        return Orientation.of(ExifOrientation.of(bytes)).apply(inSrgb(decoded, header.format(), bytes, name));
    }

    /**
     * The pixels in sRGB. The JPEG, WebP and TIFF readers apply an embedded profile themselves (the
     * image's colour model carries it, and reading it as RGB converts); a PNG's is applied here. A
     * photo without a profile, or with an sRGB one, keeps its values exactly.
     */
    private static BufferedImage inSrgb(BufferedImage decoded, String format, byte[] bytes, String name) {
        Optional<ICC_Profile> profile = EmbeddedProfile.unapplied(format, bytes, name);
        if (profile.isEmpty() || EmbeddedProfile.isSrgb(profile.get())) {
            return RgbImages.toRgb(decoded);
        }
        return EmbeddedProfile.toSrgb(decoded, profile.get(), name);
    }

    private BufferedImage readPixels(byte[] bytes, String name, ImageHeader header) {
        try (ImageInputStream in = new UploadStream(bytes)) {
            ImageReader reader = ImageHeader.readerFor(in, name);
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
                requireRasterWithinBudget(reader, header, name);
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
            throw new InvalidImageException(name + " is a damaged or truncated image: " + InvalidImageException.reason(e), e);
        }
    }

    /**
     * The reader decodes into its first image type (ImageIO's rule); refuses a raster of more
     * than {@link #MAX_BYTES_PER_PIXEL} bytes per pixel the limit allows.
     */
    private void requireRasterWithinBudget(ImageReader reader, ImageHeader header, String name) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (!types.hasNext()) {
            throw new InvalidImageException(name + " has a pixel layout this service cannot read");
        }
        double bytesPerPixel = bytesPerPixel(types.next());
        long budget = maxPixels * MAX_BYTES_PER_PIXEL;
        double needed = header.pixels() * bytesPerPixel;
        if (needed > budget) {
            throw new InvalidImageException(String.format(Locale.ROOT,
                    "%s needs %,.0f MB to decode (%,d pixels of %.0f bytes each), more than the limit of %,d MB",
                    name, needed / 1e6, header.pixels(), bytesPerPixel, budget / 1_000_000));
        }
    }

    /**
     * Bytes per pixel of the raster an image type makes, read from its sample model without
     * making a buffer (a TIFF may declare 65535 samples per pixel: even a strip of it is large).
     * Packed layouts count at least one data element per pixel: an overestimate, never under.
     */
    static double bytesPerPixel(ImageTypeSpecifier type) {
        SampleModel model = type.getSampleModel(1, 1);
        long bits = Arrays.stream(model.getSampleSize()).asLongStream().sum();
        long elementBits = (long) model.getNumDataElements() * DataBuffer.getDataTypeSize(model.getDataType());
        return Math.max(bits, elementBits) / 8.0;
    }
}
