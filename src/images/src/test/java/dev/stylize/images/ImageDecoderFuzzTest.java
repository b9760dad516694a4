package dev.stylize.images;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;

/**
 * The worker's full decode, metadata included, under any bytes: an upright RGB image of the
 * declared size, or a refusal in words, within memory proportional to the declared pixels and
 * the file's size.
 */
class ImageDecoderFuzzTest {
    /** A small limit keeps each run fast; the memory bound scales with it. */
    static final long MAX_PIXELS = 1 << 20;

    private static final ImageDecoder DECODER = new ImageDecoder(MAX_PIXELS);

    @MethodSource("dev.stylize.images.FuzzSeeds#images")
    @FuzzTest(maxDuration = "30s")
    void decodesOrSaysWhy(byte[] file) {
        ImageHeader header = declared(file);
        FuzzChecks.requireAllocationAtMost(MemoryBound.decode(header, MAX_PIXELS, file.length), () -> {
            try {
                BufferedImage image = DECODER.decode(file, "upload.jpg");
                FuzzChecks.require(image.getType() == BufferedImage.TYPE_INT_RGB, "decodes to 8-bit RGB");
                boolean sameSize = image.getWidth() == header.width() && image.getHeight() == header.height();
                boolean turned = image.getWidth() == header.height() && image.getHeight() == header.width();
                FuzzChecks.require(sameSize || turned, "decodes to the size the header declares");
            } catch (InvalidImageException refused) {
                FuzzChecks.requireProductWords(refused);
            }
        }, "decoding " + file.length + " bytes declaring " + (header == null ? "nothing readable" : header));
    }

    private static ImageHeader declared(byte[] file) {
        try {
            return ImageHeader.read(file, "upload.jpg");
        } catch (InvalidImageException refused) {
            return null;
        }
    }
}
