package dev.stylize.images;

import java.awt.image.BufferedImage;

/**
 * Keeps the photo's colours: the stylised image's luminance with the photo's chroma, in
 * full-range YCbCr (BT.601, as JPEG uses), as jcjohnson/neural-style's -original_colors does.
 */
public final class ColorTransfer {
    private ColorTransfer() {
    }

    /** @param styled, content the same width and height */
    public static BufferedImage keepColors(BufferedImage styled, BufferedImage content) {
        int w = styled.getWidth();
        int h = styled.getHeight();
        requireSize(content, w, h);
        int[] s = styled.getRGB(0, 0, w, h, null, 0, w);
        int[] c = content.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            double y = luma(s[i]);
            double cb = chromaBlue(c[i]);
            double cr = chromaRed(c[i]);
            out[i] = rgb(y + 1.402 * (cr - 128), y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128), y + 1.772 * (cb - 128));
        }
        BufferedImage result = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, w, h, out, 0, w);
        return result;
    }

    /** The same in floating point (0 to 1), for results of more than 8 bits. */
    public static RgbFloats keepColors(RgbFloats styled, BufferedImage content) {
        int w = styled.width();
        int h = styled.height();
        requireSize(content, w, h);
        int[] c = content.getRGB(0, 0, w, h, null, 0, w);
        float[] s = styled.rgb();
        float[] out = new float[s.length];
        for (int i = 0; i < c.length; i++) {
            // Clipped first, as the 8-bit result's values are: the same luminance at more bits.
            double y = 0.299 * clip(s[3 * i]) + 0.587 * clip(s[3 * i + 1]) + 0.114 * clip(s[3 * i + 2]);
            double cb = (chromaBlue(c[i]) - 128) / 255;
            double cr = (chromaRed(c[i]) - 128) / 255;
            out[3 * i] = (float) (y + 1.402 * cr);
            out[3 * i + 1] = (float) (y - 0.344136 * cb - 0.714136 * cr);
            out[3 * i + 2] = (float) (y + 1.772 * cb);
        }
        return new RgbFloats(w, h, out);
    }

    private static double clip(float v) {
        return Math.min(1, Math.max(0, v));
    }

    private static void requireSize(BufferedImage content, int w, int h) {
        if (content.getWidth() != w || content.getHeight() != h) {
            throw new IllegalArgumentException("images differ in size: " + w + "x" + h + " and "
                    + content.getWidth() + "x" + content.getHeight());
        }
    }

    public static double luma(int rgb) {
        return 0.299 * r(rgb) + 0.587 * g(rgb) + 0.114 * b(rgb);
    }

    public static double chromaBlue(int rgb) {
        return 128 - 0.168736 * r(rgb) - 0.331264 * g(rgb) + 0.5 * b(rgb);
    }

    public static double chromaRed(int rgb) {
        return 128 + 0.5 * r(rgb) - 0.418688 * g(rgb) - 0.081312 * b(rgb);
    }

    private static int r(int rgb) {
        return rgb >> 16 & 0xFF;
    }

    private static int g(int rgb) {
        return rgb >> 8 & 0xFF;
    }

    private static int b(int rgb) {
        return rgb & 0xFF;
    }

    private static int rgb(double r, double g, double b) {
        return channel(r) << 16 | channel(g) << 8 | channel(b);
    }

    private static int channel(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
