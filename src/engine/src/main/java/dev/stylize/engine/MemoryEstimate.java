package dev.stylize.engine;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import dev.stylize.engine.model.Precision;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.Scale;
import dev.stylize.plan.StylePlan;

import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * How much memory one optimisation step needs at a size, and whether it fits. Measured with
 * {@code bin/stylize bench} (float32, peak resident memory, VGG19 to conv5_1 with the seed
 * preset's taps): about 490 MiB of fixed cost (weights, runtime) plus about 3.75 KB per
 * pixel (activations kept for the backward pass), linear in the pixel count.
 *
 * <p>{@link Profile} holds these constants per device and precision: the CPU's measured
 * (README, "Speed and memory"; bf16 needs less per pixel), a GPU's the same and marked an
 * estimate until measured on one. Where a plan is known ({@link Profile#jobBytes}), every
 * scale counts, with L-BFGS's history at that scale.
 */
public final class MemoryEstimate {
    static final long FIXED_BYTES = 490L << 20;
    static final long BYTES_PER_PIXEL = 3_750;
    /**
     * bf16 convolutions keep smaller activations: peaks of 1180, 1975 and 3434 MiB at 512, 768 and
     * 1024 px (bench, seed preset) fit 3026 bytes per pixel under the same fixed cost; rounded up.
     */
    static final long BF16_BYTES_PER_PIXEL = 3_100;

    /**
     * One device and precision's constants.
     *
     * @param device        "cpu" or "gpu"
     * @param fixedBytes    what a process holds before any image: runtime, weights (on a GPU also the
     *                      CUDA context and cuDNN's workspace)
     * @param bytesPerPixel what one step adds per pixel of the optimised image: activations kept for
     *                      the backward pass, the gradient, Adam's moments
     * @param measured      false while the constants are estimates, not yet measured on such a device
     */
    public record Profile(String device, Precision precision, long fixedBytes, long bytesPerPixel, boolean measured) {
        /** L-BFGS keeps (s, y) pairs of the flattened float32 image (3 x 4 bytes per pixel each), at most 100. */
        static final int LBFGS_HISTORY = 100;
        static final long IMAGE_BYTES_PER_PIXEL = 3 * Float.BYTES;

        /** A fresh process running one step at {@code width} x {@code height}. */
        public long bytesFor(int width, int height) {
            return fixedBytes + bytesPerPixel * width * height;
        }

        /**
         * What a plan adds to a process that holds the weights already: its costliest scale's
         * activations plus, for L-BFGS, that scale's history.
         *
         * @param width  the photo's width, before the plan sizes it
         * @param height the photo's height
         */
        public long jobBytes(StylePlan plan, int width, int height) {
            long most = 0;
            for (Scale scale : plan.schedule()) {
                long pixels = pixels(scale.size(), width, height);
                long optimizer = plan.optimizer() == OptimizerKind.LBFGS
                        ? (2L * Math.min(scale.steps(), LBFGS_HISTORY) + 2) * IMAGE_BYTES_PER_PIXEL * pixels
                        : 0;
                most = Math.max(most, bytesPerPixel * pixels + optimizer);
            }
            return most;
        }

        /**
         * The largest result size (longest side, from {@code smallest} to {@code upTo}) whose plan
         * adds at most {@code available} bytes; empty when even the smallest does not fit.
         *
         * @param planAt the plan at a longest side (the job's preset and options with that maxSize);
         *               may throw {@link InvalidInputException} for sizes the photo cannot be planned at
         */
        public OptionalInt largestFitting(IntFunction<StylePlan> planAt, int width, int height, long available,
                                          int smallest, int upTo) {
            int low = smallest - 1; // fits (or is the sentinel below the range)
            int high = upTo + 1;    // does not fit
            while (high - low > 1) {
                int mid = (low + high) >>> 1;
                if (fits(planAt, mid, width, height, available)) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            return low >= smallest ? OptionalInt.of(low) : OptionalInt.empty();
        }

        private boolean fits(IntFunction<StylePlan> planAt, int size, int width, int height, long available) {
            try {
                return jobBytes(planAt.apply(size), width, height) <= available;
            } catch (InvalidInputException e) {
                return false;
            }
        }

        /**
         * For a fresh process (the command line): refuses a plan whose run would not fit in
         * {@code available}, naming the largest size that would.
         *
         * @param planAt the same plan at another longest side
         * @throws InvalidInputException naming the sizes and the memory
         */
        public void require(StylePlan plan, IntFunction<StylePlan> planAt, int width, int height, long available) {
            long needed = fixedBytes + jobBytes(plan, width, height);
            if (needed <= available) {
                return;
            }
            OptionalInt largest = largestFitting(planAt, width, height, available - fixedBytes, Limits.ENGINE.minSize(),
                    plan.size() - 1);
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "a %d px result needs about %.1f GiB (%s) but only %.1f GiB is free; %s", plan.size(),
                    needed / 1073741824.0, label(), available / 1073741824.0, largest.isPresent()
                            ? "the largest that fits is about " + largest.getAsInt() + " px on its longest side (--max-size)"
                            : "not even " + Limits.ENGINE.minSize() + " px fits"));
        }

        /** "cpu fp32 (measured)" etc., for reports. */
        public String label() {
            return device + " " + precision.name().toLowerCase(Locale.ROOT) + (measured ? " (measured)" : " (estimate)");
        }
    }

    private MemoryEstimate() {
    }

    /** The constants for a device and precision. */
    public static Profile profile(Device device, Precision precision) {
        return profile(device.isGpu(), precision);
    }

    /**
     * The CPU's constants are measured, per precision. No GPU has been measured yet: a GPU gets the
     * CPU's constants for its precision, labelled an estimate, until {@code doctor --json} runs on
     * one and tools/bench/fit_memory.py fits its own. The optimised tensors are the same size on
     * either device; the CUDA context, the weights and cuDNN's workspaces are left out of the
     * per-pixel figure, and the worker measures CUDA's free memory with its context and weights
     * already loaded.
     */
    public static Profile profile(boolean gpu, Precision precision) {
        return new Profile(gpu ? "gpu" : "cpu", precision, FIXED_BYTES,
                precision == Precision.BF16 ? BF16_BYTES_PER_PIXEL : BYTES_PER_PIXEL, !gpu);
    }

    /** The image's pixels at a scale: the photo fitted to {@code size} on its longest side, never enlarged. */
    static long pixels(int size, int width, int height) {
        int longest = Math.max(width, height);
        if (size >= longest) {
            return (long) width * height;
        }
        double f = (double) size / longest;
        return Math.max(1, Math.round(width * f)) * Math.max(1, Math.round(height * f));
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

    /**
     * The memory a run on {@code device} can still have: CUDA's free memory on a GPU (after
     * returning PyTorch's cached blocks, which this process could reuse anyway), else
     * {@link #availableHostBytes()}.
     */
    public static long availableBytes(Device device) {
        if (!device.isGpu()) {
            return availableHostBytes();
        }
        JniUtils.emptyCudaCache();
        MemoryUsage usage = CudaUtils.getGpuMemory(device);
        return usage.getMax() - usage.getUsed();
    }

    /**
     * MemAvailable from /proc/meminfo (the CPU's memory), or less where a container's memory limit
     * (cgroup v2) leaves less; Long.MAX_VALUE where unknown.
     */
    public static long availableHostBytes() {
        long available = Long.MAX_VALUE;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    available = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no check
        }
        return Math.min(available, cgroupHeadroom(Path.of("/sys/fs/cgroup")));
    }

    /**
     * A cgroup v2 limit less what the group uses, counting its inactive page cache as free
     * (the kernel reclaims it first); Long.MAX_VALUE without a limit.
     */
    static long cgroupHeadroom(Path cgroup) {
        try {
            String max = Files.readString(cgroup.resolve("memory.max")).trim();
            if (max.equals("max")) {
                return Long.MAX_VALUE;
            }
            long used = Long.parseLong(Files.readString(cgroup.resolve("memory.current")).trim());
            long inactiveFile = 0;
            for (String line : Files.readAllLines(cgroup.resolve("memory.stat"))) {
                if (line.startsWith("inactive_file ")) {
                    inactiveFile = Long.parseLong(line.substring("inactive_file ".length()).trim());
                }
            }
            return Math.max(0, Long.parseLong(max) - used + inactiveFile);
        } catch (IOException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
