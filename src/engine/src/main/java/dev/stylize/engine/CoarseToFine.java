package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 *
 * <p>A run steps like {@link StyleTransfer}, one optimisation step at a time across all its
 * scales, and snapshots and resumes anywhere in the schedule, so the worker can checkpoint it.
 * A single scale is an ordinary run.
 */
public final class CoarseToFine implements AutoCloseable {

    /** One resolution of the schedule: the longest side and the steps spent there. */
    public record Scale(int size, int steps) {
        @Override
        public String toString() {
            return size + " px x " + steps;
        }
    }

    /** Hears when each scale starts (with its initial image) and finishes (with its result). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void scaleStarted(int index, Scale scale, BufferedImage initial) {
        }

        default void scaleFinished(int index, Scale scale, BufferedImage result) {
        }
    }

    public static final int MAX_SCALES = 6;
    /** The snapshot's extra entry: which scale its image and optimiser state belong to. */
    private static final String SCALE = "scale";

    private final Vgg19Features vgg;
    private final StyleInputs originals;
    private final double styleScale;
    private final StyleOptions options;
    private final List<Scale> scales;
    private final NDManager manager;
    private final Listener listener;
    private final MemoryBudget budget;
    private int index;
    private StyleInputs inputs;
    private StyleTransfer run;

    private CoarseToFine(Vgg19Features vgg, StyleInputs originals, double styleScale, StyleOptions options,
                         List<Scale> scales, NDManager manager, Listener listener, MemoryBudget budget) {
        if (scales.isEmpty()) {
            throw new IllegalArgumentException("a schedule has at least one scale");
        }
        this.vgg = vgg;
        this.originals = originals;
        this.styleScale = styleScale;
        this.options = options;
        this.scales = List.copyOf(scales);
        this.manager = manager;
        this.listener = listener;
        this.budget = budget;
    }

    /**
     * {@code count} sizes, halving down from {@code maxSize} (coarser ones never below 64 px), finest last.
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
            int size = Math.min(maxSize, Math.max(64, maxSize >> (count - 1 - i)));
            int n = steps.size() == 1 ? steps.get(0) : steps.get(i);
            if (n < 1 || n > StyleOptions.MAX_STEPS) {
                throw new InvalidInputException("steps per scale must be from 1 to " + StyleOptions.MAX_STEPS + ", got " + n);
            }
            scales.add(new Scale(size, n));
        }
        return scales;
    }

    /**
     * Starts at the first scale.
     *
     * @param originals the photo and paintings at full size; each scale prepares its own sizes
     */
    public static CoarseToFine start(Vgg19Features vgg, StyleInputs originals, double styleScale, StyleOptions options,
                                     List<Scale> scales, NDManager manager, Listener listener) {
        return start(vgg, originals, styleScale, options, scales, manager, listener, MemoryBudget.ofAvailableMemory());
    }

    /** As above; each scale plans its memory within {@code budget} (see {@link StyleTransfer}). */
    public static CoarseToFine start(Vgg19Features vgg, StyleInputs originals, double styleScale, StyleOptions options,
                                     List<Scale> scales, NDManager manager, Listener listener, MemoryBudget budget) {
        CoarseToFine c = new CoarseToFine(vgg, originals, styleScale, options, scales, manager, listener, budget);
        c.begin(0, null);
        return c;
    }

    /** Continues from {@link #snapshot()} bytes taken with the same inputs, options and schedule. */
    public static CoarseToFine resume(Vgg19Features vgg, StyleInputs originals, double styleScale, StyleOptions options,
                                      List<Scale> scales, NDManager manager, Listener listener, byte[] snapshot) {
        return resume(vgg, originals, styleScale, options, scales, manager, listener, snapshot,
                MemoryBudget.ofAvailableMemory());
    }

    /** As above; scales after the snapshot's plan their memory within {@code budget}. */
    public static CoarseToFine resume(Vgg19Features vgg, StyleInputs originals, double styleScale, StyleOptions options,
                                      List<Scale> scales, NDManager manager, Listener listener, byte[] snapshot,
                                      MemoryBudget budget) {
        CoarseToFine c = new CoarseToFine(vgg, originals, styleScale, options, scales, manager, listener, budget);
        try (NDManager decoded = manager.newSubManager()) {
            NDList state = NDList.decode(decoded, snapshot);
            NDArray scale = state.get(SCALE);
            int index = scale == null ? 0 : (int) scale.getLong();
            if (index < 0 || index >= c.scales.size()) {
                throw new InvalidInputException("the checkpoint belongs to scale " + (index + 1) + " but the schedule has "
                        + c.scales.size());
            }
            c.index = index;
            c.inputs = c.prepare(index);
            c.run = StyleTransfer.resume(vgg, c.inputs, c.optionsAt(index), manager, state, budget);
        }
        return c;
    }

    /** Takes one step; the first step after a scale's last starts the next scale from its result. */
    public StepReport step() {
        if (run.isFinished() && index + 1 < scales.size()) {
            BufferedImage previous = run.image();
            run.close();
            begin(index + 1, previous);
        }
        StepReport report = run.step();
        if (run.isFinished()) {
            listener.scaleFinished(index, scale(), run.image());
        }
        return report;
    }

    private void begin(int i, BufferedImage previous) {
        index = i;
        inputs = prepare(i);
        StyleOptions at = optionsAt(i);
        BufferedImage initial = previous == null ? null
                : RgbImages.resize(previous, inputs.content().getWidth(), inputs.content().getHeight());
        run = initial == null
                ? StyleTransfer.start(vgg, inputs, at, manager, budget)
                : StyleTransfer.startFrom(vgg, inputs, at, manager, initial, budget);
        listener.scaleStarted(i, scale(), initial == null ? run.image() : initial);
    }

    private StyleOptions optionsAt(int i) {
        return options.withMaxSize(scales.get(i).size()).withSteps(scales.get(i).steps());
    }

    private StyleInputs prepare(int i) {
        return StyleInputs.prepare(originals.content(), originals.styles(), originals.styleWeights(), optionsAt(i),
                styleScale);
    }

    public boolean isFinished() {
        return index == scales.size() - 1 && run.isFinished();
    }

    /** Whether the current scale has taken all its steps (a good moment for a checkpoint). */
    public boolean scaleFinished() {
        return run.isFinished();
    }

    /** Steps taken over the whole schedule. */
    public int stepsDone() {
        return scales.subList(0, index).stream().mapToInt(Scale::steps).sum() + run.stepsDone();
    }

    /**
     * The share of the schedule's work done, 0 to 1, each step weighted by its scale's pixels:
     * what an ETA needs, since a step at twice the size costs about four times as much.
     */
    public double workDone() {
        double done = 0;
        double total = 0;
        for (int i = 0; i < scales.size(); i++) {
            double pixels = (double) scales.get(i).size() * scales.get(i).size();
            total += pixels * scales.get(i).steps();
            done += i < index ? pixels * scales.get(i).steps() : i == index ? pixels * run.stepsDone() : 0;
        }
        return done / total;
    }

    public int totalSteps() {
        return scales.stream().mapToInt(Scale::steps).sum();
    }

    public int scaleIndex() {
        return index;
    }

    public Scale scale() {
        return scales.get(index);
    }

    /** How the current scale uses memory. */
    public MemoryPlan memoryPlan() {
        return run.memoryPlan();
    }

    public List<Scale> scales() {
        return scales;
    }

    /** The current image, as the user would see it. */
    public BufferedImage image() {
        return run.image();
    }

    /** The photo at the current scale's size. */
    public BufferedImage content() {
        return inputs.content();
    }

    /** The current scale's image, step and optimiser state, and which scale it is, as safetensors bytes. */
    public byte[] snapshot() {
        try (NDManager scope = manager.newSubManager()) {
            NDList state = run.state(scope);
            NDArray scale = scope.create(new long[] {index});
            scale.setName(SCALE);
            state.add(scale);
            return state.encode(NDList.Encoding.SAFETENSORS);
        }
    }

    @Override
    public void close() {
        run.close();
    }
}
