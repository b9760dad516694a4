package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.images.RgbImages;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Coarse-to-fine, as crowsonkb/style-transfer-pytorch reaches print sizes: optimise at a small
 * size, upsample the result as the next size's initial image, and so on up to the requested
 * size. Large structures settle cheaply at low resolution; the expensive full-size steps only
 * refine. Each scale starts a fresh optimiser: Adam's moments and L-BFGS's curvature pairs
 * describe the previous resolution's pixels and do not carry over.
 */
public final class CoarseToFine {

    /** One resolution of the schedule: the longest side and the steps spent there. */
    public record Scale(int size, int steps) {
    }

    /** Hears about each scale's start (with its initial image), each step, and each scale's result. */
    public interface Listener {
        default void scaleStarted(int index, Scale scale, BufferedImage initial) {
        }

        default void step(int index, Scale scale, StepReport report) {
        }

        default void scaleFinished(int index, Scale scale, BufferedImage result) {
        }
    }

    public static final int MAX_SCALES = 6;

    private CoarseToFine() {
    }

    /**
     * {@code count} sizes, halving down from {@code maxSize} (never below 64 px), finest last.
     *
     * @param steps steps per scale, coarsest first; one value is used for every scale
     */
    public static List<Scale> schedule(int maxSize, int count, List<Integer> steps) {
        if (count < 1 || count > MAX_SCALES) {
            throw new InvalidInputException("scales must be from 1 to " + MAX_SCALES + ", got " + count);
        }
        if (steps.size() != 1 && steps.size() != count) {
            throw new InvalidInputException("give one step count, or one per scale (" + count + "), got " + steps.size());
        }
        List<Scale> scales = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int size = Math.max(64, maxSize >> (count - 1 - i));
            int n = steps.size() == 1 ? steps.get(0) : steps.get(i);
            if (n < 1 || n > StyleOptions.MAX_STEPS) {
                throw new InvalidInputException("steps per scale must be from 1 to " + StyleOptions.MAX_STEPS + ", got " + n);
            }
            scales.add(new Scale(size, n));
        }
        return scales;
    }

    /** Runs the schedule and returns the final image. */
    public static BufferedImage run(Vgg19Features vgg, BufferedImage content, List<BufferedImage> styles,
                                    List<Double> weights, StyleOptions options, double styleScale, List<Scale> scales,
                                    NDManager manager, Listener listener) {
        BufferedImage previous = null;
        for (int i = 0; i < scales.size(); i++) {
            Scale scale = scales.get(i);
            StyleOptions at = options.withMaxSize(scale.size()).withSteps(scale.steps());
            StyleInputs inputs = StyleInputs.prepare(content, styles, weights, at, styleScale);
            BufferedImage initial = previous == null ? null
                    : RgbImages.resize(previous, inputs.content().getWidth(), inputs.content().getHeight());
            try (StyleTransfer run = initial == null
                    ? StyleTransfer.start(vgg, inputs, at, manager)
                    : StyleTransfer.startFrom(vgg, inputs, at, manager, initial)) {
                listener.scaleStarted(i, scale, initial == null ? run.image() : initial);
                while (!run.isFinished()) {
                    listener.step(i, scale, run.step());
                }
                previous = run.image();
                listener.scaleFinished(i, scale, previous);
            }
        }
        return previous;
    }
}
