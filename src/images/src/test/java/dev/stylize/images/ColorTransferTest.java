package dev.stylize.images;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColorTransferTest {

    @Test
    void theResultHasTheContentsChromaAndTheStyledLuminance() {
        BufferedImage content = random(64, 48, 1, 40, 215);
        BufferedImage styled = random(64, 48, 2, 40, 215);
        BufferedImage kept = ColorTransfer.keepColors(styled, content);
        int checked = 0;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                int k = kept.getRGB(x, y);
                if (clipped(k)) {
                    continue; // a channel hit 0 or 255: the colour left the RGB cube, chroma cannot be exact there
                }
                checked++;
                // 8-bit rounding of each channel moves Y, Cb and Cr by at most about one level
                assertEquals(ColorTransfer.chromaBlue(content.getRGB(x, y)), ColorTransfer.chromaBlue(k), 1.0);
                assertEquals(ColorTransfer.chromaRed(content.getRGB(x, y)), ColorTransfer.chromaRed(k), 1.0);
                assertEquals(ColorTransfer.luma(styled.getRGB(x, y)), ColorTransfer.luma(k), 1.0);
            }
        }
        assertTrue(checked > 64 * 48 / 2, "most pixels are compared: " + checked);
    }

    private static boolean clipped(int rgb) {
        for (int shift = 0; shift < 24; shift += 8) {
            int v = rgb >> shift & 0xFF;
            if (v == 0 || v == 255) {
                return true;
            }
        }
        return false;
    }

    private static BufferedImage random(int w, int h, long seed, int lo, int hi) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(lo, hi) << 16 | random.nextInt(lo, hi) << 8 | random.nextInt(lo, hi));
            }
        }
        return image;
    }
}
