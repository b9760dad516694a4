package dev.stylize.images;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The intake's check of an upload's first bytes, under any bytes: it either gives a format
 * and size or refuses in words, within memory proportional to the bytes at hand.
 */
class ImageHeaderFuzzTest {
    @MethodSource("dev.stylize.images.FuzzSeeds#images")
    @FuzzTest(maxDuration = "30s")
    void readsAHeaderOrSaysWhy(byte[] upload) {
        FuzzChecks.requireAllocationAtMost(MemoryBound.header(upload.length), () -> {
            try {
                ImageHeader.read(upload, "upload.jpg").requireAtMost(ImageDecoder.DEFAULT_MAX_PIXELS);
            } catch (InvalidImageException refused) {
                FuzzChecks.requireProductWords(refused);
            }
        }, "reading a header of " + upload.length + " bytes");
    }
}
