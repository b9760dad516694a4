package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.optim.DamagedCheckpointException;
import dev.stylize.images.ColorTransfer;
import dev.stylize.images.RgbFloats;
import dev.stylize.images.RgbImages;
import dev.stylize.plan.Scale;
import dev.stylize.plan.StylePlan;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One stylisation, run as its {@link StylePlan} says, across every scale of its schedule: each
 * scale starts from the previous one's result, upsampled, with a fresh optimiser (Adam's moments
 * and L-BFGS's curvature pairs describe the previous resolution's pixels and do not carry over;
 * L-BFGS's step size per pixel does, see {@code Lbfgs}).
 *
 * <p>{@link #run} is the one step loop (the worker, {@code run} and {@code bench} all use it):
 * it steps to the end, tells the listener about every step and every checkpoint due, and stops
 * early when asked. A {@link #snapshot()} taken at any step resumes later, anywhere in the
 * schedule; on CPU the resumed run is identical to an uninterrupted one.
 *
 * <p>Each scale plans its memory within a {@link MemoryBudget} ({@link MemoryEstimate.Profile#plan}):
 * untiled where the steps fit, else in exact tiles, with as much L-BFGS history as is left.
 */
public final class StyleRun implements AutoCloseable {

    /** Hears what a run does; every method is optional. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** A scale starts, from {@code initial} (the upsampled previous result after the first scale). */
        default void scaleStarted(int index, Scale scale, BufferedImage initial) {
        }

        default void scaleFinished(int index, Scale scale, BufferedImage result) {
        }

        default void stepped(StyleRun run, StepReport report) {
        }

        /**
         * A checkpoint is due: every {@code checkpointEvery} steps and at the end of each scale
         * (when the plan checkpoints at all), and when the run stops early.
         */
        default void checkpoint(StyleRun run) {
        }
    }

    /** How {@link #run} returned. */
    public enum Ending { FINISHED, STOPPED }

    /** The snapshot's extra entry: which scale its image and optimiser state belong to. */
    private static final String SCALE = "scale";

    private final Vgg19Features vgg;
    private final StyleInputs originals;
    private final StylePlan plan;
    private final NDManager manager;
    private final Listener listener;
    private final MemoryBudget budget;
    private int index;
    private StyleInputs inputs;
    private StyleTransfer run;

    private StyleRun(Vgg19Features vgg, StyleInputs originals, StylePlan plan, NDManager manager, Listener listener,
                     MemoryBudget budget) {
        this.vgg = vgg;
        this.budget = budget;
        this.originals = originals;
        this.plan = plan;
        this.manager = manager;
        this.listener = listener;
    }

    /**
     * Starts at the first scale; each scale plans its memory within {@code budget}.
     *
     * @param originals the photo and paintings at full size; each scale sizes its own
     */
    public static StyleRun start(Vgg19Features vgg, StyleInputs originals, StylePlan plan, NDManager manager,
                                 Listener listener, MemoryBudget budget) {
        StyleRun r = new StyleRun(vgg, originals, plan, manager, listener, budget);
        r.begin(0, null, 0);
        return r;
    }

    /**
     * Continues from {@link #snapshot()} bytes taken with the same inputs and plan; the snapshot's
     * scale keeps the memory plan it was saved with, later scales plan theirs within {@code budget}.
     */
    public static StyleRun resume(Vgg19Features vgg, StyleInputs originals, StylePlan plan, NDManager manager,
                                  Listener listener, byte[] snapshot, MemoryBudget budget) {
        StyleRun r = new StyleRun(vgg, originals, plan, manager, listener, budget);
        try (NDManager decoded = manager.newSubManager()) {
            NDList state = decode(decoded, snapshot);
            NDArray scale = state.get(SCALE);
            int index = scale == null ? 0 : scale.size() == 1 ? (int) scale.getLong() : -1;
            if (index < 0 || index >= plan.schedule().size()) {
                throw new DamagedCheckpointException("the checkpoint belongs to scale " + (index + 1) + " but the schedule has "
                        + plan.schedule().size());
            }
            r.index = index;
            r.inputs = originals.sizedFor(plan, plan.schedule().get(index));
            r.run = StyleTransfer.resume(vgg, r.inputs, plan, r.scale().steps(), manager, state, budget);
        }
        return r;
    }

    /** A snapshot's arrays; bytes that are not one (damaged, or something else) are refused as bad input. */
    private static NDList decode(NDManager manager, byte[] snapshot) {
        SnapshotLayout.requireFitting(snapshot);
        try {
            return NDList.decode(manager, snapshot);
        } catch (RuntimeException e) {
            // The decoder's own message names its parser's classes; the cause keeps it for the log.
            throw new DamagedCheckpointException("the checkpoint cannot be read: its bytes are not a snapshot of a run", e);
        }
    }

    /**
     * Steps until the schedule's end, or until {@code stop} says so (asked before every step),
     * when a due checkpoint is taken first so the run can resume.
     */
    public Ending run(BooleanSupplier stop) {
        while (!isFinished()) {
            if (stop.getAsBoolean()) {
                if (stepsDone() > 0) {
                    listener.checkpoint(this);
                }
                return Ending.STOPPED;
            }
            StepReport report = step();
            listener.stepped(this, report);
            int every = plan.checkpointEvery();
            if (every > 0 && (stepsDone() % every == 0 || scaleFinished())) {
                listener.checkpoint(this);
            }
        }
        return Ending.FINISHED;
    }

    /** Takes one step; the first step after a scale's last starts the next scale from its result. */
    public StepReport step() {
        if (run.isFinished() && index + 1 < plan.schedule().size()) {
            BufferedImage previous = run.image();
            double firstStepRms = run.lastStepRms();
            run.close();
            begin(index + 1, previous, firstStepRms);
        }
        StepReport report = run.step();
        if (run.isFinished()) {
            listener.scaleFinished(index, scale(), run.image());
        }
        return report;
    }

    /**
     * @param previous     the previous scale's result, or null at the first scale
     * @param firstStepRms L-BFGS's first step per pixel, the previous scale's last (0: PyTorch's first step)
     */
    private void begin(int i, BufferedImage previous, double firstStepRms) {
        index = i;
        inputs = originals.sizedFor(plan, scale());
        BufferedImage initial = previous == null ? null
                : RgbImages.resize(previous, inputs.content().getWidth(), inputs.content().getHeight());
        run = StyleTransfer.start(vgg, inputs, plan, scale().steps(), manager, budget, initial, firstStepRms);
        listener.scaleStarted(i, scale(), initial == null ? run.image() : initial);
    }

    public boolean isFinished() {
        return index == plan.schedule().size() - 1 && run.isFinished();
    }

    /** Whether the current scale has taken all its steps. */
    public boolean scaleFinished() {
        return run.isFinished();
    }

    /** Steps taken over the whole schedule. */
    public int stepsDone() {
        return plan.schedule().subList(0, index).stream().mapToInt(Scale::steps).sum() + run.stepsDone();
    }

    /**
     * The share of the schedule's work done, 0 to 1, each step weighted by its scale's pixels:
     * what an ETA needs, since a step at twice the size costs about four times as much.
     */
    public double workDone() {
        List<Scale> scales = plan.schedule();
        double done = 0;
        double total = 0;
        for (int i = 0; i < scales.size(); i++) {
            double pixels = (double) scales.get(i).size() * scales.get(i).size();
            total += pixels * scales.get(i).steps();
            done += i < index ? pixels * scales.get(i).steps() : i == index ? pixels * run.stepsDone() : 0;
        }
        return done / total;
    }

    /** How the current scale uses memory: untiled or in tiles, and the L-BFGS history. */
    public MemoryPlan memoryPlan() {
        return run.memoryPlan();
    }

    public StylePlan plan() {
        return plan;
    }

    public int scaleIndex() {
        return index;
    }

    public Scale scale() {
        return plan.schedule().get(index);
    }

    /** The current image, as the user would see it. */
    public BufferedImage image() {
        return run.image();
    }

    /**
     * The image to deliver: the current image, or with the plan's keepColors its luminance with
     * the photo's colours.
     */
    public BufferedImage result() {
        return plan.keepColors() ? ColorTransfer.keepColors(image(), content()) : image();
    }

    /** {@link #result} before it is rounded to 8 bits: what a 16-bit result is made from. */
    public RgbFloats resultFloats() {
        RgbFloats pixels = run.pixels();
        return plan.keepColors() ? ColorTransfer.keepColors(pixels, content()) : pixels;
    }

    /** The photo at the current scale's size. */
    public BufferedImage content() {
        return inputs.content();
    }

    /** The current scale's image, step and optimiser state, and which scale it is, as safetensors bytes. */
    public byte[] snapshot() {
        try (NDManager scope = manager.newSubManager()) {
            NDList state = run.state(scope);
            state.add(StyleTransfer.number(scope, SCALE, index));
            return state.encode(NDList.Encoding.SAFETENSORS);
        }
    }

    @Override
    public void close() {
        run.close();
    }
}
