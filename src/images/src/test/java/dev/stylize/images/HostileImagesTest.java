package dev.stylize.images;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static dev.stylize.images.TestImages.*;
import static dev.stylize.images.testing.PngChunks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files built to make a reader allocate far more than they hold, each read as the intake reads
 * it (the header) and as the worker does (the whole decode, metadata included). Each is decoded
 * or refused in words, and either way within {@link MemoryBound}: without the checks in
 * {@link DeclaredSizes}, {@link LosslessWebp} and the decoder, these allocate from 200 MB to
 * several GB (the numbers are in each test).
 */
class HostileImagesTest {
    private static final long LIMIT = 1_000_000;
    private final ImageDecoder decoder = new ImageDecoder(LIMIT);

    /** 200 MB of zeros deflated: 194 KB. */
    private static final byte[] TEXT_BOMB = deflatedZeros(200_000_000L);

    // ---- PNG: compressed text is never inflated, a colour profile only up to its cap ----

    @Test
    void pngTextBombsAreDecodedWithoutInflatingAndAProfileBombIsRefusedAtTheCap() {
        byte[] rgb = png(noise(64, 64));
        byte[] palette = palettePng(64, 64); // palette images make the PNG reader read its metadata
        for (byte[] base : new byte[][] {rgb, palette}) {
            assertDecodedWithinBound(withPngChunks(base, zTxt(TEXT_BOMB)), 64, 64);
            assertDecodedWithinBound(withPngChunks(base, iTxt(TEXT_BOMB)), 64, 64);
            // The profile is applied, so it is inflated: into at most 4 MiB, then refused.
            assertRefusedWithinBound(withPngChunks(base, iCcp(TEXT_BOMB)),
                    "photo.jpg carries a colour profile larger than 4,194,304 bytes: refused");
            assertRefusedWithinBound(withPngChunks(base, zTxt(TEXT_BOMB), iTxt(TEXT_BOMB), iCcp(TEXT_BOMB)),
                    "photo.jpg carries a colour profile larger than");
        }
    }

    @Test
    void pngOrientationIsReadPastATextBomb() {
        byte[] sideways = withPngChunks(png(halves(32, 16)), zTxt(TEXT_BOMB),
                pngChunk("eXIf", tiffWithOrientation(ByteOrder.BIG_ENDIAN, 6)));
        BufferedImage upright = assertDecodedWithinBound(sideways, 32, 16);
        assertEquals(16, upright.getWidth());
        assertEquals(32, upright.getHeight());
    }

    // ---- JPEG: colour profiles, EXIF, XMP ----

    @Test
    void jpegColourProfileDeclaringMoreThanTheFileIsRefused() {
        // Unchecked, the JPEG reader allocates the declared 1.5 GB (3 GB for CMYK, read twice).
        byte[] rgb = insertAfterSoi(jpeg(noise(64, 64)), 0xE2, iccChunk(1_500_000_000));
        assertRefusedWithinBound(rgb, String.format(Locale.ROOT,
                "photo.jpg is damaged: a colour profile declares 1,500,000,000 bytes, more than the whole file's %,d", rgb.length));
        byte[] cmyk = insertAfterSoi(cmykJpeg(16, 16), 0xE2, iccChunk(Integer.MAX_VALUE));
        assertRefusedWithinBound(cmyk, "photo.jpg is damaged: a colour profile declares 2,147,483,647 bytes");
    }

    @Test
    void jpegColourProfileHeaderSplitAcrossChunksIsRefused() {
        // A first chunk of four bytes (the size) and the rest of the header in a second one: the
        // reader pieces them together, so no chunk on its own shows the "acsp" signature.
        byte[] header = iccHeader(1_500_000_000);
        byte[] first = concat(ascii("ICC_PROFILE\0"), new byte[] {1, 2}, Arrays.copyOf(header, 4));
        byte[] second = concat(ascii("ICC_PROFILE\0"), new byte[] {2, 2}, Arrays.copyOfRange(header, 4, 128));
        byte[] split = insertAfterSoi(insertAfterSoi(jpeg(noise(16, 16)), 0xE2, second), 0xE2, first);
        assertRefusedWithinBound(split, "photo.jpg has a damaged colour profile: a part of 4 bytes, too short for a profile header");
    }

    @Test
    void jpegWithARealColourProfileIsDecoded() {
        byte[] profiled = insertAfterSoi(jpeg(noise(32, 32)), 0xE2,
                concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, srgbProfile()));
        assertDecodedWithinBound(profiled, 32, 32);
    }

    @Test
    void jpegExifWithTagsSharingOneValueIsDecodedAndItsOrientationRead() {
        // 4,000 tags each pointing at the same 12 KB: 48 MB to a parser that reads every tag.
        byte[] exif = exifWithSharedValues(4_000, 12_000, 6);
        byte[] jpeg = insertAfterSoi(jpeg(halves(32, 16)), 0xE1, exif);
        BufferedImage upright = assertDecodedWithinBound(jpeg, 32, 16);
        assertEquals(16, upright.getWidth());
    }

    @Test
    void jpegWithManyLargeMetadataSegmentsIsDecoded() {
        byte[] jpeg = jpeg(noise(32, 32));
        byte[] xmp = concat(ascii("http://ns.adobe.com/xap/1.0/\0"), new byte[65000]);
        byte[] comment = new byte[65000];
        for (int i = 0; i < 20; i++) {
            jpeg = insertAfterSoi(insertAfterSoi(jpeg, 0xE1, xmp), 0xFE, comment);
        }
        assertDecodedWithinBound(jpeg, 32, 32);
    }

    // ---- WebP: profiles, bitstream sizes, lossless code groups and transforms ----

    @Test
    void webpColourProfileDeclaringMoreThanTheFileIsRefusedAtTheHeader() {
        // Unchecked, the WebP reader allocates the declared 1.5 GB while reading the header: in the intake.
        byte[] webp = webp(vp8x(VP8X_ICC, 8, 8), riffChunk("ICCP", iccHeader(1_500_000_000)), vp8lSolid(8, 8, 0xFF336699));
        assertRefusedWithinBound(webp, "photo.jpg is damaged: a colour profile declares 1,500,000,000 bytes");
    }

    @Test
    void webpBitstreamLargerThanItsCanvasIsRefused() throws Exception {
        // The canvas (1x1) passes the pixel limit; the lossy decoder would allocate for its
        // bitstream's own 16x16, and for 16383x16383 about 30 GB.
        byte[] lossy = Files.readAllBytes(Path.of(getClass().getResource("ImageDecoderFuzzTestInputs/lossy.webp").toURI()));
        byte[] bitstream = Arrays.copyOfRange(lossy, 12, lossy.length);
        assertRefusedWithinBound(webp(vp8x(0, 1, 1), bitstream),
                "photo.jpg is a damaged WebP: its image data declares 16x16, larger than its 1x1 frame");
        assertRefusedWithinBound(webp(vp8x(0, 1, 1), vp8lSolid(16000, 16000, 0xFF336699)),
                "photo.jpg is a damaged WebP: its image data declares 16000x16000, larger than its 1x1 frame");
    }

    @Test
    void webpFrameWithTwoImagesIsRefused() {
        // Every bitstream chunk would be decoded in turn: thousands of them, thousands of decodes.
        byte[] one = vp8lSolid(8, 8, 0xFF336699);
        assertRefusedWithinBound(webp(vp8x(0, 8, 8), one, one), "photo.jpg is a damaged WebP: a frame holds more than one image");
    }

    @Test
    void losslessWebpNamingTensOfThousandsOfCodeGroupsIsRefused() {
        // 164 KB naming group 65,535 for its one tile: the reader builds 65,536 groups, 359 MB.
        byte[] bomb = webp(vp8lPrefixGroupBomb());
        assertRefusedWithinBound(bomb, "photo.jpg is a damaged WebP: it names 65,536 groups of prefix codes where its tiles need at most 1");
        byte[] extended = webp(vp8x(0, 1, 1), vp8lPrefixGroupBomb());
        assertRefusedWithinBound(extended, "photo.jpg is a damaged WebP: it names 65,536 groups");
    }

    @Test
    void losslessWebpRepeatingATransformIsRefused() {
        // The reader keeps every transform's sub-image: 10,000 of a 1000x1000 image's are 2.5 GB.
        byte[] repeated = webp(vp8lRepeatedTransforms(1000, 1000, 10_000));
        assertRefusedWithinBound(repeated, "photo.jpg is a damaged WebP: it repeats a transform");
        assertDecodedWithinBound(webp(vp8lRepeatedTransforms(64, 64, 1)), 64, 64);
    }

    @Test
    void realWebpFilesAreDecoded() throws Exception {
        for (String name : new String[] {"lossy.webp", "lossy-alpha.webp", "lossless-encoder.webp", "animated.webp"}) {
            byte[] webp = Files.readAllBytes(Path.of(getClass().getResource("ImageDecoderFuzzTestInputs/" + name).toURI()));
            ImageHeader header = ImageHeader.read(webp, name);
            assertDecodedWithinBound(webp, header.width(), header.height());
        }
    }

    @Test
    void webpWithLargeExifAndXmpChunksIsDecoded() {
        byte[] exif = exifWithSharedValues(4_000, 12_000, 1);
        byte[] webp = webp(vp8x(VP8X_EXIF | VP8X_XMP, 8, 8), vp8lSolid(8, 8, 0xFF336699),
                riffChunk("EXIF", exif), riffChunk("XMP ", new byte[500_000]));
        assertDecodedWithinBound(webp, 8, 8);
    }

    // ---- TIFF: tags, directories, samples, tiles ----

    @Test
    void tiffTagsSharingOneValueAreRefused() {
        // 2,000 tags each pointing at the same 100 KB: 200 MB at the header, 400 MB to decode.
        Tiff tiff = Tiff.grey(64, 64, new byte[64 * 64]);
        long shared = tiff.appendData(new byte[100_000]);
        for (int i = 0; i < 2_000; i++) {
            tiff.entryAtData(40_000 + i, 7, 100_000, shared);
        }
        byte[] bytes = tiff.toByteArray();
        assertRefusedWithinBound(bytes, "photo.jpg is damaged: the values of its tags add up to ");
    }

    @Test
    void tiffWithThousandsOfDirectoriesIsReadWithinBound() {
        Tiff tiff = Tiff.grey(8, 8, new byte[64]);
        for (int i = 0; i < 5_000; i++) {
            tiff.nextIfd().shortEntry(256, 8).shortEntry(257, 8);
        }
        byte[] bytes = tiff.toByteArray();
        assertDecodedWithinBound(bytes, 8, 8);
    }

    @Test
    void tiffDirectoryPointingAtItselfEnds() {
        byte[] bytes = Tiff.grey(8, 8, new byte[64]).toByteArray();
        int entries = bytes[8] & 0xFF;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8 + 2 + 12 * entries, 8); // next IFD: itself
        assertDecodedWithinBound(bytes, 8, 8);
    }

    @Test
    void tiffTagWithAHugeCountIsReadWithinBound() {
        byte[] bytes = Tiff.grey(8, 8, new byte[64]).entryAt(40_000, 1, 0x7FFF_FFF0L, 8).toByteArray();
        assertDecodedWithinBound(bytes, 8, 8);
    }

    @Test
    void tiffWithManyWideSamplesPerPixelIsRefusedBeforeDecoding() {
        // 1000x100 pixels pass the limit; RGB and 97 more samples of 32-bit floats take 400 bytes
        // each: 40 MB here, and 16 GB for a TIFF at the default 40-megapixel limit.
        int samples = 100;
        ByteBuffer bitsPerSample = ByteBuffer.allocate(2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer format = ByteBuffer.allocate(2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            bitsPerSample.putShort((short) 32);
            format.putShort((short) 3); // floating point
        }
        Tiff tiff = new Tiff();
        long strip = tiff.appendData(new byte[64]);
        tiff.shortEntry(256, 1000).shortEntry(257, 100).entry(258, 3, samples, bitsPerSample.array()).shortEntry(259, 1)
                .shortEntry(262, 2).entryAtData(273, 4, 1, strip).shortEntry(277, samples).shortEntry(278, 100)
                .longEntry(279, 64).entry(338, 3, samples - 3, new byte[2 * (samples - 3)]).entry(339, 3, samples, format.array());
        assertRefusedWithinBound(tiff.toByteArray(),
                "photo.jpg needs 40 MB to decode (100,000 pixels of 400 bytes each), more than the limit of 8 MB");
    }

    @Test
    void tiffWithHugeTilesForATinyImageIsReadWithinBound() {
        Tiff tiff = new Tiff();
        long tile = tiff.appendData(new byte[64]);
        tiff.shortEntry(256, 8).shortEntry(257, 8).shortEntry(258, 8).shortEntry(259, 1).shortEntry(262, 1)
                .shortEntry(277, 1).longEntry(322, 65_520).longEntry(323, 65_520).entryAtData(324, 4, 1, tile).longEntry(325, 64);
        byte[] bytes = tiff.toByteArray();
        assertWithinBound(bytes, 8, 8);
    }

    @Test
    void jpegColourProfileInsideATiffIsChecked() {
        // JPEG tiles are decoded by the JPEG reader, profile and all: any APP2 profile chunk counts.
        byte[] segment = concat(new byte[] {(byte) 0xFF, (byte) 0xE2, 0, (byte) (2 + 14 + 128)}, iccChunk(1_500_000_000));
        byte[] bytes = Tiff.grey(8, 8, new byte[64]).entry(40_000, 7, segment.length, segment).toByteArray();
        assertRefusedWithinBound(bytes, "photo.jpg is damaged: a colour profile declares 1,500,000,000 bytes");
    }

    @Test
    void realTiffFilesAreDecoded() {
        for (String compression : new String[] {null, "LZW", "Deflate", "PackBits", "JPEG"}) {
            assertDecodedWithinBound(tiff(noise(24, 16), compression), 24, 16);
        }
        assertDecodedWithinBound(bigTiff(noise(24, 16)), 24, 16);
    }

    // ---- helpers ----

    private BufferedImage assertDecodedWithinBound(byte[] file, int width, int height) {
        BufferedImage[] decoded = new BufferedImage[1];
        assertHeaderWithinBound(file);
        long allocated = Allocations.measure(() -> decoded[0] = decoder.decode(file, "photo.jpg"));
        long bound = MemoryBound.decode(new ImageHeader("any", width, height), LIMIT, file.length);
        assertTrue(allocated <= bound, "decoding allocated " + allocated + " bytes, more than the bound of " + bound);
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded[0].getType());
        assertTrue(decoded[0].getWidth() * decoded[0].getHeight() == width * height, "the declared size");
        return decoded[0];
    }

    private void assertRefusedWithinBound(byte[] file, String messageStart) {
        InvalidImageException[] refused = new InvalidImageException[1];
        long allocated = Allocations.measure(() ->
                refused[0] = assertThrows(InvalidImageException.class, () -> decoder.decode(file, "photo.jpg")));
        assertTrue(refused[0].getMessage().startsWith(messageStart), refused[0].getMessage());
        long bound = MemoryBound.decode(null, LIMIT, file.length);
        assertTrue(allocated <= bound, "refusing allocated " + allocated + " bytes, more than the bound of " + bound);
        assertHeaderWithinBound(file);
    }

    /** Decoded or refused, within the bound for the pixels it declares. */
    private void assertWithinBound(byte[] file, int width, int height) {
        assertHeaderWithinBound(file);
        long allocated = Allocations.measure(() -> {
            try {
                decoder.decode(file, "photo.jpg");
            } catch (InvalidImageException refused) {
                assertTrue(refused.getMessage().startsWith("photo.jpg "), refused.getMessage());
            }
        });
        long bound = MemoryBound.decode(new ImageHeader("any", width, height), LIMIT, file.length);
        assertTrue(allocated <= bound, "allocated " + allocated + " bytes, more than the bound of " + bound);
    }

    /** What the intake does with the same bytes: a header or a refusal, within the header bound. */
    private static void assertHeaderWithinBound(byte[] file) {
        long allocated = Allocations.measure(() -> {
            try {
                ImageHeader.read(file, "photo.jpg");
            } catch (InvalidImageException refused) {
                assertTrue(refused.getMessage().startsWith("photo.jpg "), refused.getMessage());
            }
        });
        long bound = MemoryBound.header(file.length);
        assertTrue(allocated <= bound, "reading the header allocated " + allocated + " bytes, more than the bound of " + bound);
    }
}
