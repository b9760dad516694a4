package dev.stylize.images;

import com.twelvemonkeys.image.ResampleOp;

import java.awt.image.BufferedImage;

/** Small operations on 8-bit RGB images. */
public final class RgbImages {
    private RgbImages() {
    }

    /**
     * Any decoded image (grey, indexed, 16-bit, with alpha) as TYPE_INT_RGB. Alpha is dropped,
     * not composited: a transparent pixel keeps the colour stored under it.
     */
    public static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, y, w, 1, row, 0, w); // ColorModel converts to non-premultiplied sRGB
            for (int x = 0; x < w; x++) {
                row[x] &= 0x00FFFFFF;
            }
            rgb.setRGB(0, y, w, 1, row, 0, w);
        }
        return rgb;
    }

    /**
     * Scales so the longest side is {@code longestSide}, keeping the aspect ratio, with a
     * Lanczos filter. An image already that size is returned as it is (never resampled).
     */
    public static BufferedImage fitLongestSide(BufferedImage src, int longestSide) {
        int w = src.getWidth();
        int h = src.getHeight();
        if (Math.max(w, h) == longestSide) {
            return src;
        }
        double scale = (double) longestSide / Math.max(w, h);
        int nw = Math.max(1, (int) Math.round(w * scale));
        int nh = Math.max(1, (int) Math.round(h * scale));
        return resize(src, nw, nh);
    }

    /** Scales to exactly {@code width} x {@code height} with a Lanczos filter. */
    public static BufferedImage resize(BufferedImage src, int width, int height) {
        if (src.getWidth() == width && src.getHeight() == height) {
            return src;
        }
        BufferedImage dst = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        return new ResampleOp(width, height, ResampleOp.FILTER_LANCZOS).filter(src, dst);
    }
}
