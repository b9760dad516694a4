package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
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
 */
public final class StyleTransfer implements AutoCloseable {
    private static final String IMAGE = "image";
    private static final String STEP = "step";

    private final NDManager manager;
    private final StyleOptions options;
    private final StyleObjective objective;
    private final ImageOptimizer optimizer;
    private final NDArray image;
    private int step;

    private StyleTransfer(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                          NDArray initial, int step) {
        this.manager = parent.newSubManager();
        this.options = options;
        this.step = step;
        try (NDManager inputsScope = manager.newSubManager()) {
            NDArray content = TensorImages.toTensor(inputsScope, inputs.content());
            List<NDArray> styles = inputs.styles().stream().map(s -> TensorImages.toTensor(inputsScope, s)).toList();
            this.objective = new StyleObjective(vgg, options, manager, content, styles, inputs.styleWeights());
        }
        this.image = initial;
        image.attach(manager);
        this.optimizer = options.optimizer() == StyleOptions.OptimizerKind.ADAM
                ? new Adam(manager, options.learningRate())
                : new Lbfgs(manager, options.learningRate());
    }

    public static StyleTransfer start(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent) {
        options.validate();
        BufferedImage c = inputs.content();
        NDArray initial = switch (options.init()) {
            case CONTENT -> TensorImages.toTensor(parent, c);
            case NOISE -> TensorImages.noise(parent, c.getWidth(), c.getHeight(), options.seed());
            case STYLE -> TensorImages.toTensor(parent, RgbImages.resize(inputs.style(), c.getWidth(), c.getHeight()));
        };
        return new StyleTransfer(vgg, inputs, options, parent, initial, 0);
    }

    /** Starts from a given image (coarse-to-fine: the previous scale's result) instead of options.init. */
    public static StyleTransfer startFrom(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                          BufferedImage initial) {
        options.validate();
        if (initial.getWidth() != inputs.content().getWidth() || initial.getHeight() != inputs.content().getHeight()) {
            throw new IllegalArgumentException("the initial image must have the content's size");
        }
        return new StyleTransfer(vgg, inputs, options, parent, TensorImages.toTensor(parent, initial), 0);
    }

    /** Continues from {@link #snapshot()} bytes taken with the same inputs and options. */
    public static StyleTransfer resume(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                       byte[] snapshot) {
        try (NDManager decoded = parent.newSubManager()) {
            return resume(vgg, inputs, options, parent, NDList.decode(decoded, snapshot));
        }
    }

    /** Continues from a decoded {@link #state}; the state's arrays stay with their manager. */
    static StyleTransfer resume(Vgg19Features vgg, StyleInputs inputs, StyleOptions options, NDManager parent,
                                NDList state) {
        options.validate();
        NDArray saved = state.get(IMAGE);
        long[] shape = saved.getShape().getShape();
        if (shape[2] != inputs.content().getHeight() || shape[3] != inputs.content().getWidth()) {
            throw new InvalidInputException("the checkpoint holds a " + shape[3] + "x" + shape[2]
                    + " image but the inputs give " + inputs.content().getWidth() + "x" + inputs.content().getHeight());
        }
        NDArray initial = saved.duplicate();
        initial.attach(parent);
        StyleTransfer run = new StyleTransfer(vgg, inputs, options, parent, initial, (int) state.get(STEP).getLong());
        run.optimizer.restore(state);
        return run;
    }

    /** Takes one optimisation step: loss, gradient with respect to the image, update. */
    public StepReport step() {
        long start = System.nanoTime();
        // Everything the forward and backward pass allocate lives in this scope and is freed
        // at its end; without it memory grows by the activations every step.
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = image.duplicate();
            x.attach(scope);
            x.setRequiresGradient(true);
            LossTerms terms;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                terms = objective.evaluate(x);
                if (!Double.isFinite(terms.totalValue())) {
                    throw new OptimizationDivergedException(String.format(
                            "the loss is %s at step %d (content %s, style %s): the optimisation diverged; "
                                    + "lower the learning rate or the style weight, or check the weights",
                            terms.totalValue(), step + 1, terms.content(), terms.style()));
                }
                collector.backward(terms.total());
            }
            optimizer.step(image, x.getGradient());
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
        state.addAll(optimizer.state());
        return state;
    }

    @Override
    public void close() {
        manager.close();
    }
}
