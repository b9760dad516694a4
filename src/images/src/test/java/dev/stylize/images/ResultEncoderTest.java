package dev.stylize.images;

import dev.stylize.plan.ResultFormat;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every result format says it is sRGB, keeps its depth, and reads back as the image it was made from. */
class ResultEncoderTest {
    /** A smooth ramp: 4096 levels of red across, the 8-bit rounding of which has only 256. */
    private static final RgbFloats RAMP = ramp(4096, 4);

    private static RgbFloats ramp(int w, int h) {
        float[] rgb = new float[3 * w * h];
        for (int i = 0; i < w * h; i++) {
            rgb[3 * i] = (i % w) / (float) (w - 1);
            rgb[3 * i + 1] = 0.5f;
            rgb[3 * i + 2] = 1.2f; // above 1: clipped
        }
        return new RgbFloats(w, h, rgb);
    }

    @Test
    void eachFormatSaysSrgb() {
        byte[] srgbProfile = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        for (ResultFormat format : ResultFormat.values()) {
            byte[] file = ResultEncoder.encode(format, RAMP);
            switch (format) {
                case PNG, PNG16 -> assertTrue(contains(file, "sRGB".getBytes(StandardCharsets.US_ASCII)), format + ": an sRGB chunk");
                default -> assertTrue(contains(file, srgbProfile), format + ": the sRGB profile embedded");
            }
        }
    }

    @Test
    void sixteenBitFormatsKeepTheLevelsEightBitsRoundAway() throws IOException {
        for (ResultFormat format : new ResultFormat[] {ResultFormat.PNG16, ResultFormat.TIFF16}) {
            BufferedImage read = ImageIO.read(new ByteArrayInputStream(ResultEncoder.encode(format, RAMP)));
            assertEquals(16, read.getColorModel().getComponentSize(0), format.toString());
            java.util.Set<Integer> reds = new java.util.HashSet<>();
            for (int x = 0; x < read.getWidth(); x++) {
                reds.add(read.getRaster().getSample(x, 0, 0));
            }
            assertTrue(reds.size() > 4000, format + ": " + reds.size() + " levels of red");
            assertEquals(65535, read.getRaster().getSample(0, 0, 2), "clipped at 1");
            // Our own decoder reads it back as the 8-bit rounding of the same image, within one level.
            BufferedImage decoded = new ImageDecoder().decode(ResultEncoder.encode(format, RAMP), "result." + format.extension());
            BufferedImage eight = RAMP.to8Bits();
            for (int x = 0; x < RAMP.width(); x += 97) {
                int a = decoded.getRGB(x, 1);
                int b = eight.getRGB(x, 1);
                for (int shift : new int[] {16, 8, 0}) {
                    assertTrue(Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF)) <= 1, format + " at " + x);
                }
            }
        }
    }

    @Test
    void eightBitFormatsAreTheEightBitRounding() throws IOException {
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(ResultEncoder.encode(ResultFormat.PNG, RAMP)));
        BufferedImage eight = RAMP.to8Bits();
        assertEquals(eight.getRGB(1234, 2), png.getRGB(1234, 2));
        assertEquals(8, png.getColorModel().getComponentSize(0));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
