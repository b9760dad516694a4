package dev.stylize.engine;

import dev.stylize.plan.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much memory one optimisation step needs at a size, and whether it fits. Measured with
 * {@code bin/stylize bench} (float32, peak resident memory, VGG19 to conv5_1 with the seed
 * preset's taps): about 490 MiB of fixed cost (weights, runtime) plus about 3.75 KB per
 * pixel (activations kept for the backward pass), linear in the pixel count.
 */
public final class MemoryEstimate {
    static final long FIXED_BYTES = 490L << 20;
    static final long BYTES_PER_PIXEL = 3_750;

    private MemoryEstimate() {
    }

    public static long bytesFor(int width, int height) {
        return FIXED_BYTES + BYTES_PER_PIXEL * width * height;
    }

    /**
     * @param available bytes the device can still give
     * @throws InvalidInputException naming the largest longest side that would fit
     */
    public static void require(int width, int height, long available) {
        long needed = bytesFor(width, height);
        if (needed <= available) {
            return;
        }
        double aspect = (double) Math.min(width, height) / Math.max(width, height);
        long pixels = Math.max(0, (available - FIXED_BYTES) / BYTES_PER_PIXEL);
        int largest = (int) Math.floor(Math.sqrt(pixels / aspect));
        throw new InvalidInputException(String.format(Locale.ROOT,
                "a %dx%d result needs about %.1f GiB but only %.1f GiB is free; the largest that fits is about %d px "
                        + "on its longest side", width, height, needed / 1073741824.0, available / 1073741824.0, largest));
    }

    /** MemAvailable from /proc/meminfo (the CPU's memory); Long.MAX_VALUE where unknown. */
    public static long availableHostBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no check
        }
        return Long.MAX_VALUE;
    }
}
