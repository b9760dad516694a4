package dev.stylize.images;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static dev.stylize.images.TestImages.cmykJpeg;
import static dev.stylize.images.TestImages.encode;
import static dev.stylize.images.TestImages.halves;
import static dev.stylize.images.TestImages.noise;
import static dev.stylize.images.TestImages.pngHeaderOnly;
import static dev.stylize.images.TestImages.sixteenBitPng;
import static dev.stylize.images.TestImages.solid;
import static dev.stylize.images.TestImages.withExifOrientation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(1_000_000);

    @Test
    void emptyFileIsRefused() {
        assertRefused(new byte[0], "photo.jpg is empty (0 bytes), not an image");
    }

    @Test
    void textNamedLikeAnImageIsRefused() {
        assertRefused("hello, this is not a picture".getBytes(StandardCharsets.UTF_8),
                "photo.jpg is not an image this service reads (JPEG, PNG, WebP or TIFF expected)");
    }

    @Test
    void truncatedHeaderIsRefused() {
        byte[] jpeg = encode(solid(64, 48, Color.ORANGE), "jpeg");
        assertRefused(Arrays.copyOf(jpeg, 20), "photo.jpg has a damaged image header");
    }

    @Test
    void truncatedPixelDataIsRefused() {
        byte[] png = encode(noise(64, 48), "png");
        assertRefused(Arrays.copyOf(png, png.length / 2), "photo.jpg is a damaged or truncated image");
    }

    @Test
    void truncatedJpegIsRefused() {
        byte[] jpeg = encode(noise(64, 48), "jpeg");
        assertRefused(Arrays.copyOf(jpeg, jpeg.length / 2), "photo.jpg is a damaged or truncated image");
    }

    @Test
    void pngDeclaringHugeDimensionsIsRefusedBeforeDecoding() {
        assertRefused(pngHeaderOnly(100_000, 100_000),
                "image declares 100000x100000 = 10,000,000,000 pixels, more than the limit of 1,000,000");
    }

    @Test
    void jpegDeclaringHugeDimensionsIsRefusedBeforeDecoding() {
        byte[] jpeg = encode(solid(8, 8, Color.GRAY), "jpeg");
        int sof = indexOf(jpeg, (byte) 0xFF, (byte) 0xC0);
        ByteBuffer.wrap(jpeg, sof + 5, 4).putShort((short) 60000).putShort((short) 60000);
        assertRefused(jpeg, "image declares 60000x60000 = 3,600,000,000 pixels, more than the limit of 1,000,000");
    }

    @Test
    void alphaIsDroppedNotComposited() {
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x00C86432); // fully transparent, colour (200, 100, 50) underneath
        BufferedImage decoded = decoder.decode(encode(argb, "png"), "a.png");
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
        assertEquals(0xC86432, decoded.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void sixteenBitPngIsRead() {
        BufferedImage decoded = decoder.decode(sixteenBitPng(3, 2), "deep.png");
        assertEquals(0xFF8000, decoded.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void cmykJpegIsConvertedToRgb() {
        BufferedImage decoded = decoder.decode(cmykJpeg(16, 16), "cmyk.jpg");
        Color c = new Color(decoded.getRGB(8, 8));
        assertTrue(c.getRed() > 180 && c.getGreen() < 120, "CMYK red decodes reddish, got " + c);
    }

    @Test
    void exifOrientationIsApplied() {
        byte[] jpeg = withExifOrientation(encode(halves(32, 16), "jpeg"), 6); // stored sideways: rotate 90° clockwise
        BufferedImage upright = decoder.decode(jpeg, "phone.jpg");
        assertEquals(16, upright.getWidth());
        assertEquals(32, upright.getHeight());
        assertTrue(brightness(upright.getRGB(8, 4)) > 200, "the white (left) half is now on top");
        assertTrue(brightness(upright.getRGB(8, 28)) < 50, "the black (right) half is now at the bottom");
    }

    @Test
    void imageAlreadyAtTheTargetSizeIsNotResampled() {
        BufferedImage image = solid(40, 30, Color.BLUE);
        assertSame(image, RgbImages.fitLongestSide(image, 40));
        BufferedImage smaller = RgbImages.fitLongestSide(image, 20);
        assertEquals(20, smaller.getWidth());
        assertEquals(15, smaller.getHeight());
    }

    @Test
    void headerGivesFormatAndSizeWithoutPixels() {
        ImageHeader header = ImageHeader.read(encode(solid(40, 30, Color.RED), "png"), "x.png");
        assertEquals(new ImageHeader("png", 40, 30), header);
    }

    private void assertRefused(byte[] bytes, String messageStart) {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> decoder.decode(bytes, "photo.jpg"));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    private static int brightness(int rgb) {
        return ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3;
    }

    private static int indexOf(byte[] data, byte a, byte b) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == a && data[i + 1] == b) {
                return i;
            }
        }
        throw new AssertionError("marker not found");
    }
}
