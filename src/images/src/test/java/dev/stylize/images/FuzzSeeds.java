package dev.stylize.images;

import org.junit.jupiter.params.provider.Arguments;

import java.awt.Color;
import java.nio.ByteOrder;
import java.util.stream.Stream;

import static dev.stylize.images.TestImages.*;
import static dev.stylize.images.testing.PngChunks.*;
import static org.junit.jupiter.api.Named.named;

/**
 * The seed corpus of the image fuzz tests: one small real file of each kind the service reads
 * (and two it refuses), generated here so that the corpus is reviewable code. Lossy WebP has
 * no writer in Java; those seeds are files in each fuzz test's Inputs directory.
 */
final class FuzzSeeds {
    private FuzzSeeds() {
    }

    static Stream<Arguments> images() {
        return Stream.of(
                seed("rgb.jpg", jpeg(noise(16, 16))),
                seed("progressive.jpg", progressiveJpeg(noise(16, 16))),
                seed("grey.jpg", encode(grey(16, 16), "jpeg")),
                seed("cmyk.jpg", cmykJpeg(16, 16)),
                seed("exif-rotated.jpg", withExifOrientation(jpeg(halves(16, 8)), 6)),
                seed("srgb-profile.jpg", insertAfterSoi(jpeg(noise(8, 8)), 0xE2,
                        concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, srgbProfile()))),
                seed("rgb.png", png(noise(8, 8))),
                seed("palette.png", palettePng(8, 8)),
                seed("16-bit.png", sixteenBitPng(4, 4)),
                seed("text-and-exif.png", withPngChunks(png(halves(8, 4)),
                        pngChunk("tEXt", ascii("Title\0photo")),
                        zTxt(deflatedZeros(64)),
                        iTxt(deflatedZeros(64)),
                        pngChunk("eXIf", tiffWithOrientation(ByteOrder.LITTLE_ENDIAN, 3)))),
                seed("lossless.webp", webp(vp8lSolid(8, 8, 0xFF336699))),
                seed("extended.webp", webp(vp8x(VP8X_ICC | VP8X_EXIF, 8, 8),
                        riffChunk("ICCP", srgbProfile()), vp8lSolid(8, 8, 0xFF336699),
                        riffChunk("EXIF", tiffWithOrientation(ByteOrder.BIG_ENDIAN, 8)))),
                seed("rgb.tif", tiff(noise(8, 8), null)),
                seed("lzw.tif", tiff(noise(8, 8), "LZW")),
                seed("deflate.tif", tiff(grey(8, 8), "Deflate")),
                seed("jpeg.tif", tiff(noise(16, 16), "JPEG")),
                seed("big.tif", bigTiff(noise(4, 4))),
                seed("exif-rotated.tif", Tiff.grey(4, 2, new byte[8]).shortEntry(0x0112, 6).toByteArray()),
                seed("refused.gif", encode(solid(4, 4, Color.RED), "gif")),
                seed("refused.bmp", encode(solid(4, 4, Color.RED), "bmp")));
    }

    private static Arguments seed(String name, byte[] bytes) {
        return Arguments.of(named(name, bytes));
    }
}
