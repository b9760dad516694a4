package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.images.ResultEncoder;
import dev.stylize.images.RgbFloats;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.ResultFormat;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import static dev.stylize.plan.PlanOptions.KEEP_COLORS;
import static dev.stylize.plan.PlanOptions.MAX_SIZE;
import static dev.stylize.plan.PlanOptions.STEPS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real run's result as 16-bit PNG and 16-bit TIFF: made from the optimised floats, so a smooth
 * region holds more levels than 8 bits have; its 8-bit rounding is the 8-bit result exactly.
 */
class SixteenBitResultTest {
    private static final BufferedImage CONTENT = SeedReferenceTest.decode("reference/content.png");
    private static final BufferedImage STYLE = SeedReferenceTest.decode("reference/style.png");

    @Test
    void sixteenBitResultsHoldMoreThan256LevelsAndRoundToTheEightBitOne() throws IOException {
        for (PlanOptions colours : new PlanOptions[] {PlanOptions.NONE, PlanOptions.of(KEEP_COLORS, true)}) {
            StylePlan plan = TestPlans.plan(Preset.SEED, CONTENT, PlanOptions.of(MAX_SIZE, 96).with(STEPS, 4).orElse(colours));
            try (NDManager manager = NDManager.newBaseManager();
                 StyleRun run = StyleRun.start(TestWeights.vgg(Pooling.MAX), new StyleInputs(CONTENT, STYLE), plan, manager,
                         StyleRun.Listener.NONE, MemoryBudget.ofAvailableMemory())) {
                run.run(() -> false);
                RgbFloats floats = run.resultFloats();
                if (!plan.keepColors()) {
                    assertArrayEquals(pixels(run.result()), pixels(floats.to8Bits()), "the same image, rounded to 8 bits");
                } else { // the 8-bit result rounds before it keeps the colours: within two levels
                    int[] eight = pixels(run.result());
                    int[] rounded = pixels(floats.to8Bits());
                    for (int i = 0; i < eight.length; i++) {
                        for (int shift : new int[] {16, 8, 0}) {
                            assertTrue(Math.abs((eight[i] >> shift & 0xFF) - (rounded[i] >> shift & 0xFF)) <= 2,
                                    "keepColors at 16 bits is the 8-bit one at more bits, pixel " + i);
                        }
                    }
                }
                for (ResultFormat format : new ResultFormat[] {ResultFormat.PNG16, ResultFormat.TIFF16}) {
                    BufferedImage written = ImageIO.read(new ByteArrayInputStream(ResultEncoder.encode(format, floats)));
                    Raster raster = written.getRaster();
                    assertEquals(16, written.getColorModel().getComponentSize(0), format + " has 16 bits a channel");
                    assertEquals(run.image().getWidth(), written.getWidth());
                    assertTrue(levels(raster, 0) > 256, format + ": " + levels(raster, 0) + " levels of red");
                }
            }
        }
    }

    /** Distinct values of one channel over the image's middle quarter (away from the edges). */
    private static int levels(Raster raster, int band) {
        Set<Integer> seen = new HashSet<>();
        int w = raster.getWidth();
        int h = raster.getHeight();
        for (int y = h / 4; y < 3 * h / 4; y++) {
            for (int x = w / 4; x < 3 * w / 4; x++) {
                seen.add(raster.getSample(x, y, band));
            }
        }
        return seen.size();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
