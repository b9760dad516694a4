package dev.stylize.plan;

/**
 * The result's file: PNG with 8 bits a channel (the default), PNG or TIFF with 16 bits a channel
 * for print workflows (made from the optimised floating-point image, not widened from 8 bits), or
 * JPEG. Every one is sRGB and says so.
 */
public enum ResultFormat {
    PNG("png", "image/png"),
    PNG16("png", "image/png"),
    JPEG("jpg", "image/jpeg"),
    TIFF16("tif", "image/tiff");

    private final String extension;
    private final String contentType;

    ResultFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** Whether each channel has 16 bits. */
    public boolean sixteenBits() {
        return this == PNG16 || this == TIFF16;
    }
}
