package dev.stylize.images;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

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
    void truncatedHeaderIsRefused() throws IOException {
        byte[] jpeg = encode(solid(64, 48, Color.ORANGE), "jpeg");
        assertRefused(Arrays.copyOf(jpeg, 20), "photo.jpg has a damaged image header");
    }

    @Test
    void truncatedPixelDataIsRefused() throws IOException {
        byte[] png = encode(noise(64, 48), "png");
        assertRefused(Arrays.copyOf(png, png.length / 2), "photo.jpg is a damaged or truncated image");
    }

    @Test
    void truncatedJpegIsRefused() throws IOException {
        byte[] jpeg = encode(noise(64, 48), "jpeg");
        assertRefused(Arrays.copyOf(jpeg, jpeg.length / 2), "photo.jpg is a damaged or truncated image");
    }

    @Test
    void pngDeclaringHugeDimensionsIsRefusedBeforeDecoding() {
        assertRefused(pngHeaderOnly(100_000, 100_000),
                "image declares 100000x100000 = 10,000,000,000 pixels, more than the limit of 1,000,000");
    }

    @Test
    void jpegDeclaringHugeDimensionsIsRefusedBeforeDecoding() throws IOException {
        byte[] jpeg = encode(solid(8, 8, Color.GRAY), "jpeg");
        int sof = indexOf(jpeg, (byte) 0xFF, (byte) 0xC0);
        ByteBuffer.wrap(jpeg, sof + 5, 4).putShort((short) 60000).putShort((short) 60000);
        assertRefused(jpeg, "image declares 60000x60000 = 3,600,000,000 pixels, more than the limit of 1,000,000");
    }

    @Test
    void alphaIsDroppedNotComposited() throws IOException {
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x00C86432); // fully transparent, colour (200, 100, 50) underneath
        BufferedImage decoded = decoder.decode(encode(argb, "png"), "a.png");
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
        assertEquals(0xC86432, decoded.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void sixteenBitPngIsRead() throws IOException {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(3, 2);
        raster.setPixel(0, 0, new int[] {65535, 32896, 0});
        BufferedImage deep = new BufferedImage(model, raster, false, null);
        BufferedImage decoded = decoder.decode(encode(deep, "png"), "deep.png");
        assertEquals(0xFF8000, decoded.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws IOException {
        // Four channels with an Adobe APP14 marker, transform 0: CMYK stored inverted, as Photoshop writes it.
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, new int[] {255, 0, 0, 255}); // no cyan, full magenta and yellow, no black
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        }
        byte[] adobe = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        BufferedImage decoded = decoder.decode(insertAfterSoi(bytes.toByteArray(), (byte) 0xEE, adobe), "cmyk.jpg");
        Color c = new Color(decoded.getRGB(8, 8));
        assertTrue(c.getRed() > 180 && c.getGreen() < 120, "CMYK red decodes reddish, got " + c);
    }

    @Test
    void exifOrientationIsApplied() throws IOException {
        BufferedImage wide = solid(32, 16, Color.WHITE);
        Graphics2D g = wide.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(16, 0, 16, 16); // right half black
        g.dispose();
        byte[] jpeg = withExifOrientation(encode(wide, "jpeg"), 6); // stored sideways: rotate 90° clockwise
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
    void headerGivesFormatAndSizeWithoutPixels() throws IOException {
        ImageHeader header = ImageHeader.read(encode(solid(40, 30, Color.RED), "png"), "x.png");
        assertEquals(new ImageHeader("png", 40, 30), header);
    }

    private void assertRefused(byte[] bytes, String messageStart) {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> decoder.decode(bytes, "photo.jpg"));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    static BufferedImage solid(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    private static BufferedImage noise(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
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

    /** A PNG signature and IHDR chunk declaring the given size, then nothing. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }

    /** Inserts an APP1 Exif segment holding only the orientation tag right after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8)             // big-endian TIFF header, IFD at 8
                .putShort((short) 1)                                   // one entry
                .putShort((short) 0x0112).putShort((short) 3).putInt(1) // Orientation, SHORT, count 1
                .putShort((short) orientation).putShort((short) 0)
                .putInt(0);                                            // no next IFD
        ByteBuffer payload = ByteBuffer.allocate(6 + tiff.capacity());
        payload.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put(tiff.array());
        return insertAfterSoi(jpeg, (byte) 0xE1, payload.array());
    }

    /** Inserts the segment FF {@code marker} with {@code payload} right after the JPEG's SOI. */
    static byte[] insertAfterSoi(byte[] jpeg, byte marker, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 4 + payload.length);
        out.put(jpeg, 0, 2).put((byte) 0xFF).put(marker).putShort((short) (2 + payload.length)).put(payload)
                .put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }
}
