package dev.stylize.images;

import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;

import static dev.stylize.images.TestImages.VP8X_ICC;
import static dev.stylize.images.TestImages.ascii;
import static dev.stylize.images.TestImages.concat;
import static dev.stylize.images.TestImages.insertAfterSoi;
import static dev.stylize.images.TestImages.jpeg;
import static dev.stylize.images.TestImages.png;
import static dev.stylize.images.TestImages.riffChunk;
import static dev.stylize.images.TestImages.vp8lSolid;
import static dev.stylize.images.TestImages.vp8x;
import static dev.stylize.images.TestImages.webp;
import static dev.stylize.images.testing.PngChunks.iCcp;
import static dev.stylize.images.testing.PngChunks.withPngChunks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Photos tagged with a colour profile decode to the sRGB pixels the profile means, within 1/255
 * per channel of a reference conversion made from the colour spaces' published numbers
 * ({@link TestProfiles}), not by a colour management module; the profiles are made by the tests.
 */
class ColourProfileTest {
    private final ImageDecoder decoder = new ImageDecoder();

    /** Saturated primaries and secondaries, greys, and a spread of mixed colours. */
    private static BufferedImage swatches() {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        int[] fixed = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0x00FFFF, 0xFF00FF, 0x000000, 0xFFFFFF, 0x808080, 0x404040};
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 256; i++) {
            image.setRGB(i % 16, i / 16, i < fixed.length ? fixed[i] : random.nextInt(0x1000000));
        }
        return image;
    }

    @Test
    void aPngTaggedDisplayP3OrAdobeRgbDecodesToTheSrgbItsProfileMeans() {
        for (TestProfiles.Space space : new TestProfiles.Space[] {TestProfiles.DISPLAY_P3, TestProfiles.ADOBE_RGB}) {
            BufferedImage stored = swatches();
            byte[] tagged = withPngChunks(png(stored), iCcp(deflate(TestProfiles.profile(space))));
            assertMeans(space, stored, decoder.decode(tagged, "p3.png"));
        }
    }

    @Test
    void aJpegTaggedDisplayP3OrAdobeRgbDecodesToTheSrgbItsProfileMeans() {
        for (TestProfiles.Space space : new TestProfiles.Space[] {TestProfiles.DISPLAY_P3, TestProfiles.ADOBE_RGB}) {
            byte[] untagged = jpeg(swatches());
            // What the JPEG stores, decoded without the profile: the values the profile gives a meaning.
            BufferedImage stored = decoder.decode(untagged, "plain.jpg");
            byte[] tagged = insertAfterSoi(untagged, 0xE2, concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1},
                    TestProfiles.profile(space)));
            assertMeans(space, stored, decoder.decode(tagged, "p3.jpg"));
        }
    }

    @Test
    void aWebpTaggedDisplayP3DecodesToTheSrgbItsProfileMeans() {
        int green = 0xFF00C800;
        byte[] tagged = webp(vp8x(VP8X_ICC, 8, 8), riffChunk("ICCP", TestProfiles.profile(TestProfiles.DISPLAY_P3)),
                vp8lSolid(8, 8, green));
        BufferedImage stored = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64; i++) {
            stored.setRGB(i % 8, i / 8, green & 0xFFFFFF);
        }
        assertMeans(TestProfiles.DISPLAY_P3, stored, decoder.decode(tagged, "p3.webp"));
    }

    @Test
    void aTiffTaggedDisplayP3DecodesToTheSrgbItsProfileMeans() {
        BufferedImage stored = swatches();
        ICC_Profile p3 = ICC_Profile.getInstance(TestProfiles.profile(TestProfiles.DISPLAY_P3));
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 3, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int rgb = stored.getRGB(x, y);
                raster.setPixel(x, y, new int[] {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF});
            }
        }
        BufferedImage inP3 = new BufferedImage(new ComponentColorModel(new ICC_ColorSpace(p3), false, false,
                ComponentColorModel.OPAQUE, DataBuffer.TYPE_BYTE), raster, false, null);
        assertMeans(TestProfiles.DISPLAY_P3, stored, decoder.decode(TestImages.encode(inP3, "tiff"), "p3.tif"));
    }

    @Test
    void aPhotoWithAnSrgbProfileOrNoneKeepsEveryValue() {
        BufferedImage stored = swatches();
        byte[] srgb = withPngChunks(png(stored), iCcp(deflate(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData())));
        assertArrayEquals(pixels(stored), pixels(decoder.decode(srgb, "srgb.png")));
        assertArrayEquals(pixels(stored), pixels(decoder.decode(png(stored), "plain.png")));
    }

    @Test
    void aDamagedOrForeignProfileIsRefusedWithItsReason() {
        byte[] garbage = withPngChunks(png(swatches()), iCcp(deflate(Arrays.copyOf(TestProfiles.profile(TestProfiles.DISPLAY_P3), 200))));
        assertTrue(assertThrows(InvalidImageException.class, () -> decoder.decode(garbage, "cut.png")).getMessage()
                .startsWith("cut.png has a damaged colour profile"));
        byte[] notZlib = withPngChunks(png(swatches()), iCcp(new byte[] {1, 2, 3, 4}));
        assertTrue(assertThrows(InvalidImageException.class, () -> decoder.decode(notZlib, "odd.png")).getMessage()
                .startsWith("odd.png has a damaged colour profile"));
    }

    /** Each decoded pixel within 1/255 per channel of what the stored values mean in {@code space}. */
    private static void assertMeans(TestProfiles.Space space, BufferedImage stored, BufferedImage decoded) {
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
        int worst = 0;
        String where = "";
        for (int y = 0; y < stored.getHeight(); y++) {
            for (int x = 0; x < stored.getWidth(); x++) {
                int s = stored.getRGB(x, y);
                int[] expected = TestProfiles.toSrgb(space, s >> 16 & 0xFF, s >> 8 & 0xFF, s & 0xFF);
                int d = decoded.getRGB(x, y);
                int[] actual = {d >> 16 & 0xFF, d >> 8 & 0xFF, d & 0xFF};
                for (int c = 0; c < 3; c++) {
                    if (Math.abs(expected[c] - actual[c]) > worst) {
                        worst = Math.abs(expected[c] - actual[c]);
                        where = String.format("%s (%06X) at %d,%d: expected %s, decoded %s", space.name(), s & 0xFFFFFF, x, y,
                                Arrays.toString(expected), Arrays.toString(actual));
                    }
                }
            }
        }
        assertTrue(worst <= 1, "off by " + worst + "/255 for " + where);
        assertTrue(!Arrays.equals(pixels(stored), pixels(decoded)), "the profile was applied: the colours changed");
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }
}
