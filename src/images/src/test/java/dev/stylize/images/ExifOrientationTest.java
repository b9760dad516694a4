package dev.stylize.images;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.stylize.images.TestImages.*;
import static dev.stylize.images.testing.PngChunks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ExifOrientationTest {
    private static final byte[] JPEG = jpeg(halves(16, 8));

    @Test
    void jpegExifInEitherByteOrder() {
        assertEquals(6, ExifOrientation.of(withExifOrientation(JPEG, 6)));
        byte[] little = insertAfterSoi(JPEG, 0xE1, concat(ascii("Exif\0\0"), tiffWithOrientation(ByteOrder.LITTLE_ENDIAN, 8)));
        assertEquals(8, ExifOrientation.of(little));
    }

    @Test
    void jpegExifAfterOtherSegments() {
        byte[] jpeg = withExifOrientation(JPEG, 3);
        jpeg = insertAfterSoi(jpeg, 0xE0, concat(ascii("JFIF\0"), new byte[9]));
        jpeg = insertAfterSoi(jpeg, 0xE1, concat(ascii("http://ns.adobe.com/xap/1.0/\0"), new byte[100]));
        assertEquals(3, ExifOrientation.of(jpeg));
    }

    @Test
    void jpegWithoutExifIsUpright() {
        assertEquals(1, ExifOrientation.of(JPEG));
    }

    @Test
    void pngExifChunkWithOrWithoutJpegPrefix() {
        byte[] png = png(halves(8, 4));
        assertEquals(6, ExifOrientation.of(withPngChunks(png, pngChunk("eXIf", tiffWithOrientation(ByteOrder.BIG_ENDIAN, 6)))));
        assertEquals(5, ExifOrientation.of(withPngChunks(png,
                pngChunk("eXIf", concat(ascii("Exif\0\0"), tiffWithOrientation(ByteOrder.LITTLE_ENDIAN, 5))))));
        assertEquals(1, ExifOrientation.of(png));
    }

    @Test
    void webpExifChunkAfterOddSizedChunks() {
        byte[] webp = webp(vp8x(VP8X_EXIF, 8, 8), riffChunk("ICCP", new byte[3]), vp8lSolid(8, 8, 0xFF000000),
                riffChunk("EXIF", tiffWithOrientation(ByteOrder.BIG_ENDIAN, 7)));
        assertEquals(7, ExifOrientation.of(webp));
    }

    @Test
    void tiffOrientationTag() {
        assertEquals(6, ExifOrientation.of(Tiff.grey(4, 2, new byte[8]).shortEntry(0x0112, 6).toByteArray()));
        assertEquals(4, ExifOrientation.of(Tiff.grey(4, 2, new byte[8]).longEntry(0x0112, 4).toByteArray()));
        assertEquals(1, ExifOrientation.of(Tiff.grey(4, 2, new byte[8]).toByteArray()));
    }

    @Test
    void bigTiffOrientationTag() {
        ByteBuffer big = ByteBuffer.allocate(16 + 8 + 20 + 8).order(ByteOrder.LITTLE_ENDIAN);
        big.put(ascii("II")).putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(16)
                .putLong(1).putShort((short) 0x0112).putShort((short) 3).putLong(1).putShort((short) 2).put(new byte[6])
                .putLong(0);
        assertEquals(2, ExifOrientation.of(big.array()));
    }

    @Test
    void valuesOutsideOneToEightAreUpright() {
        assertEquals(1, ExifOrientation.of(withExifOrientation(JPEG, 0)));
        assertEquals(1, ExifOrientation.of(withExifOrientation(JPEG, 9)));
        assertEquals(1, ExifOrientation.of(withExifOrientation(JPEG, 0xFFFF)));
    }

    @Test
    void damagedExifIsUprightNeverAnError() {
        byte[] exif = concat(ascii("Exif\0\0"), tiffWithOrientation(ByteOrder.BIG_ENDIAN, 6));
        ByteBuffer.wrap(exif).putInt(6 + 4, 0x7FFF_FFF0); // IFD0 far past the end
        assertEquals(1, ExifOrientation.of(insertAfterSoi(JPEG, 0xE1, exif)));

        byte[] manyEntries = concat(ascii("Exif\0\0"), tiffWithOrientation(ByteOrder.BIG_ENDIAN, 6));
        ByteBuffer.wrap(manyEntries).putShort(6 + 8, (short) 0xFFFF); // 65,535 entries said, one there
        assertEquals(6, ExifOrientation.of(insertAfterSoi(JPEG, 0xE1, manyEntries)));

        byte[] segmentPastTheEnd = withExifOrientation(JPEG, 6);
        ByteBuffer.wrap(segmentPastTheEnd).putShort(4, (short) 0xFFFF);
        assertEquals(1, ExifOrientation.of(Arrays.copyOf(segmentPastTheEnd, 40)));
    }

    @Test
    void anyBytesGiveAnOrientationWithoutAllocating() {
        byte[][] seeds = {withExifOrientation(JPEG, 6), withPngChunks(png(halves(8, 4)),
                pngChunk("eXIf", tiffWithOrientation(ByteOrder.BIG_ENDIAN, 6))),
                Tiff.grey(4, 2, new byte[8]).shortEntry(0x0112, 6).toByteArray()};
        SplittableRandom random = new SplittableRandom(7);
        ExifOrientation.of(seeds[0]); // loads the class, which allocates its constants
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = seeds[i % seeds.length].clone();
            for (int flips = random.nextInt(1, 8); flips > 0; flips--) {
                mutated[random.nextInt(Math.min(mutated.length, 80))] = (byte) random.nextInt(256);
            }
            byte[] input = Arrays.copyOf(mutated, random.nextInt(1, mutated.length + 1));
            int[] orientation = new int[1];
            long allocated = Allocations.measure(() -> orientation[0] = ExifOrientation.of(input));
            assertEquals(0, allocated, "reading an orientation allocates nothing");
            assertEquals(true, orientation[0] >= 1 && orientation[0] <= 8);
        }
    }

    @Test
    void decoderAppliesOrientationFromEveryFormat() {
        ImageDecoder decoder = new ImageDecoder();
        byte[] png = withPngChunks(png(halves(32, 16)), pngChunk("eXIf", tiffWithOrientation(ByteOrder.BIG_ENDIAN, 6)));
        byte[] webp = webp(vp8x(VP8X_EXIF, 32, 16), vp8lSolid(32, 16, 0xFF808080),
                riffChunk("EXIF", tiffWithOrientation(ByteOrder.BIG_ENDIAN, 8)));
        byte[] tiff = Tiff.grey(32, 16, new byte[32 * 16]).shortEntry(0x0112, 5).toByteArray();
        for (byte[] sideways : new byte[][] {withExifOrientation(jpeg(halves(32, 16)), 6), png, webp, tiff}) {
            BufferedImage upright = decoder.decode(sideways, "sideways");
            assertEquals(16, upright.getWidth());
            assertEquals(32, upright.getHeight());
        }
    }
}
