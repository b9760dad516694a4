package dev.stylize.images;

import dev.stylize.plan.ResultFormat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes 8-bit images (checkpoints, results) as PNG (lossless, the default) or JPEG (quality 0.92). */
public enum ImageEncoder {
    PNG("png"), JPEG("jpg");

    private final String extension;

    ImageEncoder(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return this == PNG ? "image/png" : "image/jpeg";
    }

    /** PNG unless the file name ends in .jpg or .jpeg. */
    public static ImageEncoder forFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".jpg") || lower.endsWith(".jpeg") ? JPEG : PNG;
    }

    /** As {@link ResultEncoder} writes a result of this format, labelled sRGB. */
    public byte[] encode(BufferedImage image) {
        return ResultEncoder.encode(this == PNG ? ResultFormat.PNG : ResultFormat.JPEG, image);
    }

    public void write(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, encode(image));
    }
}
