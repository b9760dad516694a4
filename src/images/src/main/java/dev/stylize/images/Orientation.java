package dev.stylize.images;

import java.awt.image.BufferedImage;

/** The eight EXIF orientations, and how to turn a stored image upright. */
enum Orientation {
    NORMAL, MIRROR_HORIZONTAL, ROTATE_180, MIRROR_VERTICAL, TRANSPOSE, ROTATE_90_CW, TRANSVERSE, ROTATE_270_CW;

    static Orientation of(int exifValue) {
        return exifValue >= 1 && exifValue <= 8 ? values()[exifValue - 1] : NORMAL;
    }

    /** Returns {@code src} as a viewer would show it; {@code src} must be TYPE_INT_RGB. */
    BufferedImage apply(BufferedImage src) {
        if (this == NORMAL) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swaps = ordinal() >= TRANSPOSE.ordinal();
        BufferedImage dst = new BufferedImage(swaps ? h : w, swaps ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = src.getRGB(x, y);
                switch (this) {
                    case MIRROR_HORIZONTAL -> dst.setRGB(w - 1 - x, y, rgb);
                    case ROTATE_180 -> dst.setRGB(w - 1 - x, h - 1 - y, rgb);
                    case MIRROR_VERTICAL -> dst.setRGB(x, h - 1 - y, rgb);
                    case TRANSPOSE -> dst.setRGB(y, x, rgb);
                    case ROTATE_90_CW -> dst.setRGB(h - 1 - y, x, rgb);
                    case TRANSVERSE -> dst.setRGB(h - 1 - y, w - 1 - x, rgb);
                    case ROTATE_270_CW -> dst.setRGB(y, w - 1 - x, rgb);
                    default -> throw new IllegalStateException();
                }
            }
        }
        return dst;
    }
}
