package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.stylize.engine.loss.LossTerms;
import dev.stylize.engine.loss.StyleObjective;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.optim.Adam;
import dev.stylize.engine.optim.DamagedCheckpointException;
import dev.stylize.engine.optim.ImageOptimizer;
import dev.stylize.engine.optim.Lbfgs;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.images.RgbFloats;
import dev.stylize.engine.tiling.TileGrid;
import dev.stylize.images.RgbImages;
import dev.stylize.plan.Init;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.StylePlan;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One scale of a {@link StyleRun} in progress: the image being optimised, the objective and the
 * optimiser. {@link #step()} until {@link #isFinished()}; a {@link #state} taken at any step
 * resumes later (on CPU the resumed run is identical to an uninterrupted one).
 *
 * <p>Its {@link MemoryPlan} says whether the steps run untiled or in tiles and how much L-BFGS
 * history they keep. The plan is saved with the state and a resumed scale keeps it, so resuming
 * on a machine with other memory changes nothing in the result.
 */
final class StyleTransfer implements AutoCloseable {
    private static final String IMAGE = "image";
    private static final String STEP = "step";
    private static final String TILE_SIZE = "memory.tileSize";
    private static final String HISTORY = "memory.lbfgsHistory";

    private final NDManager manager;
    private final int steps;
    private final StyleObjective objective;
    private final ImageOptimizer optimizer;
    private final MemoryPlan memory;
    private final NDArray image;
    private int step;

    /**
     * @param inputs           the photo and paintings at this scale's size
     * @param memory           untiled or tiled, and the L-BFGS history
     * @param initialIsContent {@code initial} is the photo: a fresh run's first step then makes the content target
     */
    private StyleTransfer(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps, MemoryPlan memory,
                          NDManager parent, NDArray initial, boolean initialIsContent, int step, double firstStepRms) {
        this.manager = parent.newSubManager();
        this.steps = steps;
        this.memory = memory;
        this.step = step;
        try (NDManager inputsScope = manager.newSubManager()) {
            NDArray content = TensorImages.toTensor(inputsScope, inputs.content());
            List<NDArray> styles = inputs.styles().stream().map(s -> TensorImages.toTensor(inputsScope, s)).toList();
            this.objective = new StyleObjective(vgg, plan.objective(), manager, content, styles, inputs.styleWeights(),
                    memory.tileSize(), initialIsContent);
        }
        this.image = initial;
        image.attach(manager);
        this.optimizer = plan.optimizer() == OptimizerKind.ADAM
                ? new Adam(manager, plan.learningRate())
                : new Lbfgs(manager, plan.learningRate(), memory.lbfgsHistory(), firstStepRms);
    }

    /**
     * The memory plan for this scale's size and steps within {@code budget}, with the constants of
     * the device and precision it runs in (the same the worker's admission uses).
     */
    private static MemoryPlan memoryPlan(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps,
                                         NDManager parent, MemoryBudget budget) {
        return MemoryEstimate.profile(parent.getDevice(), vgg.precision()).plan(inputs.content().getWidth(),
                inputs.content().getHeight(), plan.optimizer(), steps, budget);
    }

    /**
     * Starts from {@code initial} (coarse-to-fine: the previous scale's result, upsampled), or
     * without one from the plan's initial image: the photo, seeded noise or the first painting.
     *
     * @param initial      of the content's size, or null
     * @param firstStepRms L-BFGS's first step per pixel, the previous scale's last (0: PyTorch's first step)
     */
    static StyleTransfer start(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps, NDManager parent,
                               MemoryBudget budget, BufferedImage initial, double firstStepRms) {
        if (initial != null && (initial.getWidth() != inputs.content().getWidth()
                || initial.getHeight() != inputs.content().getHeight())) {
            throw new IllegalArgumentException("the initial image must have the content's size");
        }
        MemoryPlan memory = memoryPlan(vgg, inputs, plan, steps, parent, budget);
        BufferedImage c = inputs.content();
        NDArray image = initial != null ? TensorImages.toTensor(parent, initial) : switch (plan.init()) {
            case CONTENT -> TensorImages.toTensor(parent, c);
            case NOISE -> TensorImages.noise(parent, c.getWidth(), c.getHeight(), plan.seed());
            case STYLE -> TensorImages.toTensor(parent, RgbImages.resize(inputs.style(), c.getWidth(), c.getHeight()));
        };
        return new StyleTransfer(vgg, inputs, plan, steps, memory, parent, image, initial == null && plan.init() == Init.CONTENT,
                0, firstStepRms);
    }

    /**
     * Continues from a decoded {@link #state}; the state's arrays stay with their manager.
     *
     * @param budget plans the memory only for a state saved without a memory plan
     */
    static StyleTransfer resume(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps, NDManager parent,
                                NDList state, MemoryBudget budget) {
        NDArray saved = state.get(IMAGE);
        NDArray step = state.get(STEP);
        if (saved == null || step == null || step.size() != 1 || saved.getShape().dimension() != 4) {
            throw new DamagedCheckpointException("the checkpoint holds no image and step");
        }
        long[] shape = saved.getShape().getShape();
        if (shape[0] != 1 || shape[1] != 3 || shape[2] != inputs.content().getHeight() || shape[3] != inputs.content().getWidth()) {
            throw new DamagedCheckpointException("the checkpoint holds a " + shape[3] + "x" + shape[2]
                    + " image but the inputs give " + inputs.content().getWidth() + "x" + inputs.content().getHeight());
        }
        long done = step.getLong();
        if (done < 0 || done > steps) {
            throw new DamagedCheckpointException("the checkpoint is at step " + done + " of a scale of " + steps);
        }
        MemoryPlan memory = state.contains(TILE_SIZE)
                ? savedMemoryPlan(state, plan)
                : memoryPlan(vgg, inputs, plan, steps, parent, budget);
        // A real copy: the decoded arrays live on the snapshot's bytes, which are freed once decoding
        // is done (DJL's toType to the same type would alias them, not copy).
        NDArray initial = saved.getDataType() == DataType.FLOAT32 ? saved.duplicate() : saved.toType(DataType.FLOAT32, false);
        initial.attach(parent);
        // A resumed scale has taken steps (its first step's size no longer matters) or starts afresh.
        StyleTransfer run = new StyleTransfer(vgg, inputs, plan, steps, memory, parent, initial, false, (int) done, 0);
        try {
            run.optimizer.restore(state, saved.size());
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /** The memory plan a state was saved with, checked: a checkpoint is untrusted input. */
    private static MemoryPlan savedMemoryPlan(NDList state, StylePlan plan) {
        NDArray tile = state.get(TILE_SIZE);
        NDArray history = state.get(HISTORY);
        if (tile.size() != 1 || history == null || history.size() != 1) {
            throw new DamagedCheckpointException("the checkpoint's memory plan is damaged");
        }
        long tileSize = tile.getLong();
        long pairs = history.getLong();
        boolean tileOk = tileSize == MemoryPlan.UNTILED
                || (tileSize >= TileGrid.ALIGNMENT && tileSize <= Integer.MAX_VALUE && tileSize % TileGrid.ALIGNMENT == 0);
        boolean historyOk = pairs >= (plan.optimizer() == OptimizerKind.ADAM ? 0 : 1) && pairs <= Lbfgs.HISTORY;
        if (!tileOk || !historyOk) {
            throw new DamagedCheckpointException("the checkpoint's memory plan is out of range: tiles of " + tileSize
                    + " px, L-BFGS history " + pairs);
        }
        return new MemoryPlan((int) tileSize, (int) pairs, 0);
    }

    /** Takes one optimisation step: loss, gradient with respect to the image, update. */
    StepReport step() {
        long start = System.nanoTime();
        // The image is borrowed by this scope, so everything the evaluation allocates from it
        // is freed at the scope's end; without it memory grows by the activations every step.
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(image);
            LossTerms terms = objective.evaluate(image);
            if (!Double.isFinite(terms.totalValue())) {
                throw new OptimizationDivergedException(String.format(
                        "the loss is %s at step %d (content %s, style %s): the optimisation diverged; "
                                + "lower the learning rate or the style weight, or check the weights",
                        terms.totalValue(), step + 1, terms.content(), terms.style()));
            }
            optimizer.step(image, terms.gradient());
            step++;
            return new StepReport(step, terms.totalValue(), terms.content(), terms.style(), terms.tv(),
                    (System.nanoTime() - start) / 1e6);
        }
    }

    /** L-BFGS's last step, root-mean-square per pixel value (0 with Adam or before a step): where a finer scale starts. */
    double lastStepRms() {
        return optimizer instanceof Lbfgs lbfgs ? lbfgs.lastStepRms() : 0;
    }

    boolean isFinished() {
        return step >= steps;
    }

    int stepsDone() {
        return step;
    }

    /** How the steps use memory: untiled or in tiles, and the L-BFGS history. */
    MemoryPlan memoryPlan() {
        return memory;
    }

    /** The current image, as the user would see it. */
    BufferedImage image() {
        return TensorImages.toImage(image);
    }

    RgbFloats pixels() {
        return TensorImages.toFloats(image);
    }

    /** Image, step and optimiser state as named arrays in {@code scope}. */
    NDList state(NDManager scope) {
        NDArray img = image.toType(DataType.FLOAT32, true);
        img.attach(scope);
        img.setName(IMAGE);
        NDList state = new NDList(img, number(scope, STEP, step), number(scope, TILE_SIZE, memory.tileSize()),
                number(scope, HISTORY, memory.lbfgsHistory()));
        state.addAll(optimizer.state());
        return state;
    }

    /** A one-element int64 array named {@code name}, as a state's counters are saved. */
    static NDArray number(NDManager scope, String name, long value) {
        NDArray array = scope.create(new long[] {value});
        array.setName(name);
        return array;
    }

    @Override
    public void close() {
        manager.close();
    }
}
