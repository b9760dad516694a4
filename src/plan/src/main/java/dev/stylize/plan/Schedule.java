package dev.stylize.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Where every schedule is made: one scale, or coarse to fine, as crowsonkb/style-transfer-pytorch
 * reaches print sizes (optimise small, upsample the result as the next size's start, and so on
 * up to the requested size: large structures settle cheaply at low resolution, the expensive
 * full-size steps only refine). Every scale must leave VGG19 something to see.
 */
public final class Schedule {

    /**
     * A preset's coarse-to-fine shape: sizes halve down from the result's while they stay at
     * least {@code coarsestSize}; the coarsest scale takes {@code coarsestSteps}, each finer one
     * {@code finerSteps} (it starts close to its optimum, from the upsampled coarser result).
     */
    public record Pyramid(int coarsestSize, int coarsestSteps, int finerSteps) {
    }

    private Schedule() {
    }

    /**
     * The schedule for a photo of {@code width} x {@code height} whose result's longest side is
     * {@code size}: the caller's scales if it gave any (--scales, --scale-steps), else its own step
     * count at the full size, else the preset's pyramid or its single scale.
     *
     * @throws InvalidInputException when a scale would leave a side under {@link Limits#MIN_SHORTEST_SIDE}
     */
    static List<Scale> of(int size, int width, int height, PlanOptions options, int presetSteps, Pyramid pyramid) {
        Optional<Integer> steps = options.get(PlanOptions.STEPS);
        Optional<List<Integer>> perScale = options.get(PlanOptions.SCALE_STEPS);
        List<Scale> scales;
        if (options.get(PlanOptions.SCALES).isPresent() || perScale.isPresent()) {
            int count = options.get(PlanOptions.SCALES).orElseGet(() -> perScale.orElseThrow().size());
            scales = halving(size, count, perScale.orElse(List.of(steps.orElse(presetSteps))));
        } else if (steps.isPresent() || pyramid == null) {
            scales = List.of(new Scale(size, steps.orElse(presetSteps)));
        } else {
            scales = pyramid(size, width, height, pyramid);
        }
        requirePaintable(scales, width, height);
        return scales;
    }

    /**
     * {@code count} sizes, halving down from {@code size} (coarser ones never below
     * {@link Limits#MIN_COARSE_SIZE}), finest last.
     *
     * @param steps steps per scale, coarsest first; one value is used for every scale
     */
    public static List<Scale> halving(int size, int count, List<Integer> steps) {
        if (count < 1 || count > Limits.MAX_SCALES) {
            throw new InvalidInputException("scales must be from 1 to " + Limits.MAX_SCALES + ", got " + count);
        }
        if (steps.size() != 1 && steps.size() != count) {
            throw new InvalidInputException("give one step count, or one per scale (" + count + "), got " + steps.size());
        }
        List<Scale> scales = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int scaleSize = Math.min(size, Math.max(Limits.MIN_COARSE_SIZE, size >> (count - 1 - i)));
            scales.add(new Scale(scaleSize, steps.size() == 1 ? steps.get(0) : steps.get(i)));
        }
        return scales;
    }

    /** The pyramid's scales, stopping early where a coarser one would be too narrow for VGG19. */
    private static List<Scale> pyramid(int size, int width, int height, Pyramid pyramid) {
        int count = 1;
        while (count < Limits.MAX_SCALES && (size >> count) >= pyramid.coarsestSize()
                && shortestSide(size >> count, width, height) >= Limits.MIN_SHORTEST_SIDE) {
            count++;
        }
        List<Integer> steps = new ArrayList<>(Collections.nCopies(count, pyramid.finerSteps()));
        steps.set(0, pyramid.coarsestSteps());
        return halving(size, count, steps);
    }

    /** Refuses a schedule with a scale whose shortest side VGG19 cannot work with, with the numbers. */
    static void requirePaintable(List<Scale> scales, int width, int height) {
        int longest = Math.max(width, height);
        for (Scale scale : scales) {
            int shortest = shortestSide(scale.size(), width, height);
            if (shortest >= Limits.MIN_SHORTEST_SIDE) {
                continue;
            }
            if (scale.size() >= longest) {
                throw new InvalidInputException(String.format(
                        "a %dx%d photo is too small: VGG19 needs at least %d px on its shortest side",
                        width, height, Limits.MIN_SHORTEST_SIDE));
            }
            throw new InvalidInputException(String.format(
                    "a %dx%d photo is too narrow: at %d px on its longest side its shortest side is %d px, and VGG19 "
                            + "needs at least %d (at %d px a photo may be at most %d:1)",
                    width, height, scale.size(), shortest, Limits.MIN_SHORTEST_SIDE, scale.size(),
                    scale.size() / Limits.MIN_SHORTEST_SIDE));
        }
    }

    /** The shortest side of a {@code width} x {@code height} image scaled to {@code size} on its longest (as the engine rounds). */
    static int shortestSide(int size, int width, int height) {
        int longest = Math.max(width, height);
        int shortest = Math.min(width, height);
        return size >= longest ? shortest : Math.max(1, (int) Math.round(shortest * ((double) size / longest)));
    }
}
