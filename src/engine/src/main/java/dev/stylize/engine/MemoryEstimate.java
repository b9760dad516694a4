package dev.stylize.engine;

import dev.stylize.engine.optim.Lbfgs;
import dev.stylize.engine.tiling.TileGrid;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.VggLayer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much memory one scale of a run needs, and how it fits a budget: the whole image at once
 * when it can, else in tiles (exact, see {@code StyleObjective}), with as much L-BFGS history as
 * the rest leaves. Measured with {@code bin/stylize bench} (peak resident memory, float32, VGG19
 * to conv5_1 with the seed preset's taps), linear in the pixel count: a fixed cost, the
 * activations one step keeps for its backward pass (per pixel of what runs through VGG: the
 * image, or the largest tile's crop), and what stays image-sized whatever the tiling.
 */
public final class MemoryEstimate {
    /** Weights, libtorch and the JVM. */
    static final long FIXED_BYTES = 490L << 20;
    /** Activations kept for the backward pass, per pixel run through VGG at once. */
    static final long STEP_BYTES_PER_PIXEL = 3_750;
    /**
     * Image-sized for the whole run, per pixel: the image, its gradient and copies, the photo's
     * conv4_2 activations, the JVM's pixels and float copies while images are converted, and what
     * the allocator keeps of freed image-sized temporaries. Fitted, with the optimiser's share
     * below, to peak resident memory of tiled fp32 {@code seed} steps (Adam): 5.5 GiB at 2048 px in
     * tiles of 512, 18.1 GiB at 4096 px in tiles of 1024; the parts one can count come to about
     * 180 B, so most of this is yet to be explained.
     */
    static final long IMAGE_BYTES_PER_PIXEL = 760;
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

    private MemoryEstimate() {
    }

    /**
     * The plan for one scale: untiled if the image fits with the history it can use (at most one
     * pair per step, {@value Lbfgs#HISTORY} at most), else the largest tile that leaves room for
     * {@value #LEAST_HISTORY} pairs, and then as many pairs as fit. Adam's plans keep no history.
     *
     * @param steps the steps this scale takes
     * @throws InvalidInputException if even tiles of {@value #SMALLEST_TILE} px (or the budget's
     *                               own tile size) do not fit, naming the largest size that would
     */
    public static MemoryPlan plan(int width, int height, OptimizerKind optimizer, int steps,
                                  MemoryBudget budget) {
        MemoryPlan plan = tryPlan(width, height, optimizer, steps, budget);
        if (plan != null) {
            return plan;
        }
        int tile = budget.tileSize() != 0 ? budget.tileSize() : SMALLEST_TILE;
        int largest = largestThatFits(width, height, optimizer, steps, budget);
        throw refusal(width, height, tile, budget, needed(width, height, optimizer, steps, tile), largest);
    }

    /** The plan, or null if nothing fits. */
    private static MemoryPlan tryPlan(int width, int height, OptimizerKind optimizer, int steps,
                                      MemoryBudget budget) {
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

    /** One pair per step at most, and no more than L-BFGS keeps; none for Adam. */
    private static int wantedHistory(OptimizerKind optimizer, int steps) {
        return optimizer == OptimizerKind.LBFGS ? Math.max(1, Math.min(steps, Lbfgs.HISTORY)) : 0;
    }

    /** Everything but the L-BFGS pairs, with tiles of {@code tile} px (or untiled). */
    private static long withoutHistory(int width, int height, int tile) {
        long pixels = (long) width * height;
        long run = tile == MemoryPlan.UNTILED ? pixels : TileGrid.of(width, height, tile, DEEPEST).largestCropPixels();
        return FIXED_BYTES + (IMAGE_BYTES_PER_PIXEL + OPTIMIZER_BYTES_PER_PIXEL) * pixels + STEP_BYTES_PER_PIXEL * run;
    }

    private static long needed(int width, int height, OptimizerKind optimizer, int steps, int tile) {
        int least = Math.min(wantedHistory(optimizer, steps), LEAST_HISTORY);
        return withoutHistory(width, height, tile) + PAIR_BYTES_PER_PIXEL * width * height * least;
    }

    /** Untiled first, then tiles from the largest down; only the budget's tile size if it has one. */
    private static List<Integer> candidates(MemoryBudget budget) {
        List<Integer> tiles = new ArrayList<>();
        if (budget.tileSize() != 0) {
            tiles.add(budget.tileSize());
            return tiles;
        }
        tiles.add(MemoryPlan.UNTILED);
        for (int tile = LARGEST_TILE; tile >= SMALLEST_TILE; tile -= TileGrid.ALIGNMENT) {
            tiles.add(tile);
        }
        return tiles;
    }

    /** The longest side, at this aspect ratio, that has a plan (0 if none): a binary search, as memory grows with size. */
    private static int largestThatFits(int width, int height, OptimizerKind optimizer, int steps,
                                       MemoryBudget budget) {
        double aspect = (double) Math.min(width, height) / Math.max(width, height);
        int lo = 0;
        int hi = Math.max(width, height);
        while (lo < hi) {
            int side = (lo + hi + 1) >>> 1;
            int other = Math.max(1, (int) Math.round(side * aspect));
            boolean fits = width >= height
                    ? tryPlan(side, other, optimizer, steps, budget) != null
                    : tryPlan(other, side, optimizer, steps, budget) != null;
            if (fits) {
                lo = side;
            } else {
                hi = side - 1;
            }
        }
        return lo;
    }

    private static InvalidInputException refusal(int width, int height, int tile, MemoryBudget budget, long needed,
                                                 int largest) {
        return new InvalidInputException(String.format(Locale.ROOT,
                "a %dx%d result needs about %.1f GiB even in tiles of %d px, but only %.1f GiB is usable; "
                        + "the largest that fits is about %d px on its longest side",
                width, height, needed / 1073741824.0, tile, budget.bytes() / 1073741824.0, largest));
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
