package dev.stylize.images;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;

import static dev.stylize.images.TestImages.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The formats this service reads, and the refusal of every other one ImageIO happens to know. */
class ImageFormatsTest {
    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void theFourDocumentedFormatsAreRead() {
        assertEquals(new ImageHeader("jpeg", 12, 8), ImageHeader.read(jpeg(noise(12, 8)), "a.jpg"));
        assertEquals(new ImageHeader("png", 12, 8), ImageHeader.read(png(noise(12, 8)), "a.png"));
        assertEquals(new ImageHeader("webp", 12, 8), ImageHeader.read(webp(vp8lSolid(12, 8, 0xFF000000)), "a.webp"));
        assertEquals(new ImageHeader("tiff", 12, 8), ImageHeader.read(tiff(noise(12, 8), null), "a.tif"));
        assertEquals(new ImageHeader("tiff", 12, 8), ImageHeader.read(bigTiff(noise(12, 8)), "a.tif"));
    }

    @Test
    void gifIsRefusedByName() {
        byte[] gif = encode(solid(4, 4, Color.RED), "gif");
        assertRefused(gif, "photo.gif", "photo.gif is a GIF image; this service reads JPEG, PNG, WebP or TIFF");
    }

    @Test
    void bmpIsRefusedByName() {
        byte[] bmp = encode(solid(4, 4, Color.RED), "bmp");
        assertRefused(bmp, "scan.bmp", "scan.bmp is a BMP image; this service reads JPEG, PNG, WebP or TIFF");
    }

    @Test
    void wbmpIsRefusedByName() {
        byte[] wbmp = encode(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_BINARY), "wbmp");
        assertRefused(wbmp, "icon.wbmp", "icon.wbmp is a WBMP image; this service reads JPEG, PNG, WebP or TIFF");
    }

    @Test
    void bytesNoReaderKnowsAreRefused() {
        assertRefused(ascii("%PDF-1.7 not a picture"), "doc.pdf", "doc.pdf is not an image this service reads (JPEG, PNG, WebP or TIFF expected)");
    }

    private void assertRefused(byte[] bytes, String name, String message) {
        assertEquals(message, assertThrows(InvalidImageException.class, () -> ImageHeader.read(bytes, name)).getMessage());
        assertEquals(message, assertThrows(InvalidImageException.class, () -> decoder.decode(bytes, name)).getMessage());
    }
}
