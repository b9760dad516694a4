package dev.stylize.engine;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.optim.Lbfgs;
import dev.stylize.engine.tiling.TileGrid;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.Scale;
import dev.stylize.plan.StylePlan;
import dev.stylize.plan.VggLayer;

import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * How much memory a run needs, and how it fits a budget. One model serves every caller: each
 * scale runs the whole image at once when it can, else in tiles (exact, see
 * {@code StyleObjective}), with as much L-BFGS history as the rest leaves ({@link Profile#plan}).
 * {@code StyleRun} plans each scale so; a job fits where every scale of its plan has such a plan
 * ({@link Profile#jobBytes}, used by the worker's admission, {@code run} and {@code doctor}), so
 * nothing is refused that would run in tiles.
 *
 * <p>Measured with {@code bin/stylize bench} (peak resident memory, VGG19 to conv5_1 with the seed
 * preset's taps), linear in the pixel count: a fixed cost, the activations one step keeps for its
 * backward pass (per pixel of what runs through VGG: the image, or the largest tile's crop, whose
 * backward also keeps the own positions' slices and their gradients), and what stays image-sized
 * whatever the tiling.
 *
 * <p>{@link Profile} holds the constants per device and precision: the CPU's measured (docs/performance.md,
 * "Memory"; bf16 keeps smaller activations), a GPU's the same and marked an estimate
 * until measured on one.
 */
public final class MemoryEstimate {
    /** Weights, libtorch and the JVM. */
    static final long FIXED_BYTES = 490L << 20;
    /**
     * Activations kept for the backward pass, per pixel of an untiled float32 step: peaks of 1656,
     * 3187 and 5595 MiB at 512, 768 and 1024 px (bench, seed preset, VGG as one TorchScript graph),
     * at most 5.4 KB per pixel with the image-sized share below.
     */
    static final long STEP_BYTES_PER_PIXEL = 5_200;
    /** bf16 convolutions keep smaller activations: 3719 MiB at 1024 px, 3.2 KB per pixel in all. */
    static final long BF16_STEP_BYTES_PER_PIXEL = 3_150;
    /**
     * Per pixel of the largest crop of a tiled step, either precision: peaks at 2048 px in tiles of
     * 256, 512 and 1024 px (crops of 416, 672 and 1104 px) of 2171, 3785 and 7864 MiB in fp32, 3635
     * and 6578 MiB (512, 1024) in bf16 fit 5.6–6.1 KB per crop pixel over the image-sized share.
     */
    static final long TILED_STEP_BYTES_PER_PIXEL = 5_900;
    /**
     * Image-sized for the whole run, per pixel: the image, its gradient, the photo as a tensor and
     * its conv4_2 activations, the JVM's pixels while images are converted. Fitted with the
     * optimiser's share below to the tiled peaks above, 4044 MiB at 2896 px in tiles of 512, and
     * an 8K (7680x4320) L-BFGS run in bf16 tiles of 1024: 16.0 GiB while stepping, 16.7 and 16.9
     * GiB (two runs) at its end, while the result is converted (the estimate: 17.1 GiB).
     */
    static final long IMAGE_BYTES_PER_PIXEL = 190;
    /** Adam's moments and its temporaries, or L-BFGS's last gradient and step and its temporaries. */
    static final long OPTIMIZER_BYTES_PER_PIXEL = 72;
    /** One L-BFGS curvature pair (s, y): two float32 images. */
    static final long PAIR_BYTES_PER_PIXEL = 24;
    /** Larger tiles gain little: at 1024 px the halos add a third to the pixels run through VGG. */
    static final int LARGEST_TILE = 1024;
    static final int SMALLEST_TILE = 128;
    /** L-BFGS keeps at least this many pairs (where the run has as many steps) before tiles shrink further. */
    static final int LEAST_HISTORY = 5;
    /** Tiles are planned for the deepest layer the presets use, whose halo is the widest. */
    private static final VggLayer DEEPEST = VggLayer.CONV5_1;

    /**
     * One device and precision's constants, and the plans made with them.
     *
     * @param device        "cpu" or "gpu"
     * @param fixedBytes    what a process holds before any image: runtime, weights (on a GPU also the
     *                      CUDA context and cuDNN's workspace)
     * @param bytesPerPixel the activations an untiled step keeps for its backward pass, per pixel
     * @param tiledBytesPerPixel the same per pixel of a tiled step's largest crop
     * @param measured      false while the constants are estimates, not yet measured on such a device
     */
    public record Profile(String device, Precision precision, long fixedBytes, long bytesPerPixel,
                          long tiledBytesPerPixel, boolean measured) {

        /**
         * The plan for one scale: untiled if the image fits with the history it can use (at most one
         * pair per step, {@value Lbfgs#HISTORY} at most), else the largest tile that leaves room for
         * {@value #LEAST_HISTORY} pairs, and then as many pairs as fit. Adam's plans keep no history.
         *
         * @param steps the steps this scale takes
         * @throws InvalidInputException if even tiles of {@value #SMALLEST_TILE} px (or the budget's
         *                               own tile size) do not fit, naming the largest size that would
         */
        public MemoryPlan plan(int width, int height, OptimizerKind optimizer, int steps, MemoryBudget budget) {
            MemoryPlan plan = tryPlan(width, height, optimizer, steps, budget);
            if (plan != null) {
                return plan;
            }
            int tile = budget.tileSize() != 0 ? budget.tileSize() : SMALLEST_TILE;
            int largest = largestThatFits(width, height, optimizer, steps, budget);
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "a %dx%d result needs about %.1f GiB even in tiles of %d px, but only %.1f GiB is usable; "
                            + "the largest that fits is about %d px on its longest side",
                    width, height, least(width, height, optimizer, steps, budget) / 1073741824.0, tile,
                    budget.bytes() / 1073741824.0, largest));
        }

        /** The plan, or null if nothing fits. */
        MemoryPlan tryPlan(int width, int height, OptimizerKind optimizer, int steps, MemoryBudget budget) {
            for (int tile : candidates(budget)) {
                long withoutHistory = withoutHistory(width, height, tile);
                int wanted = wantedHistory(optimizer, steps);
                long pairs = (budget.bytes() - withoutHistory) / (PAIR_BYTES_PER_PIXEL * width * height);
                if (budget.bytes() >= withoutHistory && pairs >= Math.min(wanted, LEAST_HISTORY)) {
                    int history = (int) Math.min(wanted, pairs);
                    return new MemoryPlan(tile, history, withoutHistory + PAIR_BYTES_PER_PIXEL * width * height * history);
                }
            }
            return null;
        }

        /** Everything but the L-BFGS pairs, with tiles of {@code tile} px (or untiled). */
        private long withoutHistory(int width, int height, int tile) {
            long pixels = (long) width * height;
            TileGrid grid = TileGrid.of(width, height, tile, DEEPEST);
            long step = grid.isWhole() ? bytesPerPixel * pixels : tiledBytesPerPixel * grid.largestCropPixels();
            return fixedBytes + (IMAGE_BYTES_PER_PIXEL + OPTIMIZER_BYTES_PER_PIXEL) * pixels + step;
        }

        /** The least a scale can run in: its cheapest tiling (or the budget's tile size), the least history. */
        private long least(int width, int height, OptimizerKind optimizer, int steps, MemoryBudget budget) {
            long history = PAIR_BYTES_PER_PIXEL * width * height * Math.min(wantedHistory(optimizer, steps), LEAST_HISTORY);
            return candidates(budget).stream().mapToLong(tile -> withoutHistory(width, height, tile) + history).min()
                    .orElse(Long.MAX_VALUE);
        }

        /** The longest side, at this aspect ratio, that has a plan (0 if none). */
        private int largestThatFits(int width, int height, OptimizerKind optimizer, int steps, MemoryBudget budget) {
            double aspect = (double) Math.min(width, height) / Math.max(width, height);
            return largest(1, Math.max(width, height), side -> {
                int other = Math.max(1, (int) Math.round(side * aspect));
                return width >= height
                        ? tryPlan(side, other, optimizer, steps, budget) != null
                        : tryPlan(other, side, optimizer, steps, budget) != null;
            });
        }

        /** A fresh process running one untiled Adam step at {@code width} x {@code height} (bench's estimate). */
        public long bytesFor(int width, int height) {
            return withoutHistory(width, height, MemoryPlan.UNTILED);
        }

        /**
         * What a plan adds to a process that holds the weights already, with {@code available}
         * bytes more to use: its costliest scale's memory plan (tiled where the untiled step does
         * not fit, L-BFGS history included). Where a scale has no plan even in the smallest tiles,
         * what that scale needs at least, which is more than {@code available}.
         *
         * @param width  the photo's width, before the plan sizes it
         * @param height the photo's height
         */
        public long jobBytes(StylePlan plan, int width, int height, long available) {
            MemoryBudget budget = new MemoryBudget(saturatedAdd(fixedBytes, Math.max(0, available)), 0);
            long most = 0;
            for (Scale scale : plan.schedule()) {
                int[] sized = sized(scale.size(), width, height);
                MemoryPlan memory = tryPlan(sized[0], sized[1], plan.optimizer(), scale.steps(), budget);
                long bytes = memory != null ? memory.bytes()
                        : Math.max(least(sized[0], sized[1], plan.optimizer(), scale.steps(), budget), budget.bytes() + 1);
                most = Math.max(most, bytes - fixedBytes);
            }
            return most;
        }

        /** Every scale of the plan has a memory plan within {@code available} bytes more than the fixed cost. */
        public boolean fits(StylePlan plan, int width, int height, long available) {
            return jobBytes(plan, width, height, available) <= available;
        }

        /**
         * The largest result size (longest side, from {@code smallest} to {@code upTo}) whose plan
         * fits in {@code available} bytes more than the fixed cost; empty when even the smallest does not.
         *
         * @param planAt the plan at a longest side (the job's preset and options with that maxSize);
         *               may throw {@link InvalidInputException} for sizes the photo cannot be planned at
         */
        public OptionalInt largestFitting(IntFunction<StylePlan> planAt, int width, int height, long available,
                                          int smallest, int upTo) {
            int low = largest(smallest, upTo, size -> fitsAt(planAt, size, width, height, available));
            return low >= smallest ? OptionalInt.of(low) : OptionalInt.empty();
        }

        private boolean fitsAt(IntFunction<StylePlan> planAt, int size, int width, int height, long available) {
            try {
                return fits(planAt.apply(size), width, height, available);
            } catch (InvalidInputException e) {
                return false;
            }
        }

        /**
         * For a fresh process (the command line): refuses a plan that has no memory plan within
         * {@code budget} at some scale, naming the largest size that would fit. The budget's tile
         * size, if it has one, is not asked for here: a forced tile size is checked per scale by the run.
         *
         * @param planAt the same plan at another longest side
         * @throws InvalidInputException naming the sizes and the memory
         */
        public void require(StylePlan plan, IntFunction<StylePlan> planAt, int width, int height, long budgetBytes) {
            long available = budgetBytes - fixedBytes;
            long needed = jobBytes(plan, width, height, available);
            if (needed <= available) {
                return;
            }
            OptionalInt largest = largestFitting(planAt, width, height, available, Limits.ENGINE.minSize(),
                    plan.size() - 1);
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "a %d px result needs about %.1f GiB even in tiles (%s) but only %.1f GiB is usable; %s", plan.size(),
                    saturatedAdd(fixedBytes, needed) / 1073741824.0, label(), budgetBytes / 1073741824.0,
                    largest.isPresent()
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

    /**
     * The constants for a device and precision. The CPU's constants are measured, per precision.
     * No GPU has been measured yet: a GPU gets the CPU's constants for its precision, labelled an
     * estimate, until {@code doctor --json} runs on one and tools/bench/fit_memory.py fits its
     * own. The optimised tensors are the same size on either device; the CUDA context, the
     * weights and cuDNN's workspaces are left out of the per-pixel figure, and the worker
     * measures CUDA's free memory with its context and weights already loaded.
     */
    public static Profile profile(Device device, Precision precision) {
        boolean gpu = device.isGpu();
        return new Profile(gpu ? "gpu" : "cpu", precision, FIXED_BYTES,
                precision == Precision.BF16 ? BF16_STEP_BYTES_PER_PIXEL : STEP_BYTES_PER_PIXEL, TILED_STEP_BYTES_PER_PIXEL,
                !gpu);
    }

    /** One L-BFGS pair per step at most, and no more than L-BFGS keeps; none for Adam. */
    private static int wantedHistory(OptimizerKind optimizer, int steps) {
        return optimizer == OptimizerKind.LBFGS ? Math.max(1, Math.min(steps, Lbfgs.HISTORY)) : 0;
    }

    /** Untiled first, then tiles from the largest down; only the budget's tile size if it has one. */
    private static List<Integer> candidates(MemoryBudget budget) {
        if (budget.tileSize() != 0) {
            return List.of(budget.tileSize());
        }
        List<Integer> tiles = new ArrayList<>(List.of(MemoryPlan.UNTILED));
        for (int tile = LARGEST_TILE; tile >= SMALLEST_TILE; tile -= TileGrid.ALIGNMENT) {
            tiles.add(tile);
        }
        return tiles;
    }

    /** The image's width and height at a scale: the photo fitted to {@code size} on its longest side, never enlarged. */
    static int[] sized(int size, int width, int height) {
        int longest = Math.max(width, height);
        if (size >= longest) {
            return new int[] {width, height};
        }
        double f = (double) size / longest;
        return new int[] {(int) Math.max(1, Math.round(width * f)), (int) Math.max(1, Math.round(height * f))};
    }

    /**
     * The largest value from {@code from} to {@code to} that {@code fits}, or {@code from - 1}: a
     * binary search, as memory grows with size.
     */
    private static int largest(int from, int to, IntPredicate fits) {
        int low = from - 1; // fits (or is the sentinel below the range)
        int high = to + 1;  // does not fit
        while (high - low > 1) {
            int mid = (low + high) >>> 1;
            if (fits.test(mid)) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static long saturatedAdd(long a, long b) {
        return b > Long.MAX_VALUE - a ? Long.MAX_VALUE : a + b;
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
