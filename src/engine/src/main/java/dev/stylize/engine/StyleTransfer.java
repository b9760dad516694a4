package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.stylize.images.RgbImages;
import dev.stylize.engine.image.TensorImages;
import dev.stylize.engine.loss.LossTerms;
import dev.stylize.engine.loss.StyleObjective;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.optim.Adam;
import dev.stylize.engine.optim.ImageOptimizer;
import dev.stylize.engine.optim.Lbfgs;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One stylisation in progress: the image being optimised, the objective and the optimiser.
 * Call {@link #step()} until {@link #isFinished()}; take a {@link #snapshot()} at any step
 * and {@link #resume} from it later (on CPU the resumed run is identical to an
 * uninterrupted one).
 *
 * <p>A {@link MemoryBudget} decides, through {@link MemoryEstimate#plan}, whether the steps run
 * untiled or in tiles and how much L-BFGS history they keep; without one, the budget is the
 * memory available when the run starts. The plan is saved with the snapshot and a resumed run
 * keeps it, so resuming elsewhere changes nothing in the result.
 */
public final class StyleTransfer implements AutoCloseable {
    private static final String IMAGE = "image";
    private static final String STEP = "step";
    private static final String TILE_SIZE = "memory.tileSize";
    private static final String HISTORY = "memory.lbfgsHistory";

    private final NDManager manager;
    private final StyleOptions options;
    private final StyleObjective objective;
    private final ImageOptimizer optimizer;
    private final MemoryPlan plan;
    private final NDArray image;
    private int step;

    private StyleTransfer(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, MemoryPlan plan,
                          NDManager parent, NDArray initial, int step) {
        this.manager = parent.newSubManager();
        this.options = options;
        this.plan = plan;
        this.step = step;
        try (NDManager inputsScope = manager.newSubManager()) {
            NDArray content = TensorImages.toTensor(inputsScope, inputs.content());
            List<NDArray> styles = inputs.styles().stream().map(s -> TensorImages.toTensor(inputsScope, s)).toList();
            this.objective = new StyleObjective(vgg, options, manager, content, styles, inputs.styleWeights(),
                    plan.tileSize());
        }
        this.image = initial;
        image.attach(manager);
        this.optimizer = options.optimizer() == StyleOptions.OptimizerKind.ADAM
                ? new Adam(manager, options.learningRate())
                : new Lbfgs(manager, options.learningRate(), plan.lbfgsHistory());
    }

    private static MemoryPlan plan(StyleInputs inputs, StyleOptions options, MemoryBudget budget) {
        return MemoryEstimate.plan(inputs.content().getWidth(), inputs.content().getHeight(), options.optimizer(),
                options.steps(), budget);
    }

    public static StyleTransfer start(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent) {
        return start(vgg, inputs, options, parent, MemoryBudget.ofAvailableMemory());
    }

    public static StyleTransfer start(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                      MemoryBudget budget) {
        options.validate();
        BufferedImage c = inputs.content();
        NDArray initial = switch (options.init()) {
            case CONTENT -> TensorImages.toTensor(parent, c);
            case NOISE -> TensorImages.noise(parent, c.getWidth(), c.getHeight(), options.seed());
            case STYLE -> TensorImages.toTensor(parent, RgbImages.resize(inputs.style(), c.getWidth(), c.getHeight()));
        };
        return new StyleTransfer(vgg, inputs, options, plan(inputs, options, budget), parent, initial, 0);
    }

    /** Starts from a given image (coarse-to-fine: the previous scale's result) instead of options.init. */
    public static StyleTransfer startFrom(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                          BufferedImage initial, MemoryBudget budget) {
        options.validate();
        if (initial.getWidth() != inputs.content().getWidth() || initial.getHeight() != inputs.content().getHeight()) {
            throw new IllegalArgumentException("the initial image must have the content's size");
        }
        return new StyleTransfer(vgg, inputs, options, plan(inputs, options, budget), parent,
                TensorImages.toTensor(parent, initial), 0);
    }

    /** Continues from {@link #snapshot()} bytes taken with the same inputs and options. */
    public static StyleTransfer resume(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                       byte[] snapshot) {
        return resume(vgg, inputs, options, parent, snapshot, MemoryBudget.ofAvailableMemory());
    }

    /** As {@link #resume(Vgg19Features, StyleInputs, StyleOptions, NDManager, byte[])}; the budget serves only snapshots without a plan. */
    public static StyleTransfer resume(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                       byte[] snapshot, MemoryBudget budget) {
        try (NDManager decoded = parent.newSubManager()) {
            return resume(vgg, inputs, options, parent, NDList.decode(decoded, snapshot), budget);
        }
    }

    /** Continues from a decoded {@link #state}; the state's arrays stay with their manager. */
    static StyleTransfer resume(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                NDList state, MemoryBudget budget) {
        options.validate();
        NDArray saved = state.get(IMAGE);
        long[] shape = saved.getShape().getShape();
        if (shape[2] != inputs.content().getHeight() || shape[3] != inputs.content().getWidth()) {
            throw new InvalidInputException("the checkpoint holds a " + shape[3] + "x" + shape[2]
                    + " image but the inputs give " + inputs.content().getWidth() + "x" + inputs.content().getHeight());
        }
        MemoryPlan plan = state.contains(TILE_SIZE)
                ? new MemoryPlan((int) state.get(TILE_SIZE).getLong(), (int) state.get(HISTORY).getLong(), 0)
                : plan(inputs, options, budget);
        NDArray initial = saved.duplicate();
        initial.attach(parent);
        StyleTransfer run = new StyleTransfer(vgg, inputs, options, plan, parent, initial, (int) state.get(STEP).getLong());
        run.optimizer.restore(state);
        return run;
    }

    /** Takes one optimisation step: loss, gradient with respect to the image, update. */
    public StepReport step() {
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

    public boolean isFinished() {
        return step >= options.steps();
    }

    public int stepsDone() {
        return step;
    }

    public StyleOptions options() {
        return options;
    }

    /** How the steps use memory: untiled or in tiles, and the L-BFGS history. */
    public MemoryPlan memoryPlan() {
        return plan;
    }

    /** The current image, as the user would see it. */
    public BufferedImage image() {
        return TensorImages.toImage(image);
    }

    /** Image, step and optimiser state, as safetensors bytes. */
    public byte[] snapshot() {
        try (NDManager scope = manager.newSubManager()) {
            return state(scope).encode(NDList.Encoding.SAFETENSORS);
        }
    }

    /** Image, step and optimiser state as named arrays in {@code scope}. */
    NDList state(NDManager scope) {
        NDList state = new NDList();
        NDArray img = image.toType(DataType.FLOAT32, true);
        img.attach(scope);
        img.setName(IMAGE);
        state.add(img);
        NDArray stepArray = scope.create(new long[] {step});
        stepArray.setName(STEP);
        state.add(stepArray);
        NDArray tileSize = scope.create(new long[] {plan.tileSize()});
        tileSize.setName(TILE_SIZE);
        state.add(tileSize);
        NDArray history = scope.create(new long[] {plan.lbfgsHistory()});
        history.setName(HISTORY);
        state.add(history);
        state.addAll(optimizer.state());
        return state;
    }

    @Override
    public void close() {
        manager.close();
    }
}
