package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.stylize.engine.loss.LossTerms;
import dev.stylize.engine.loss.StyleObjective;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.optim.Adam;
import dev.stylize.engine.optim.ImageOptimizer;
import dev.stylize.engine.optim.Lbfgs;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.images.RgbImages;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.StylePlan;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One scale of a {@link StyleRun} in progress: the image being optimised, the objective and the
 * optimiser. {@link #step()} until {@link #isFinished()}; a {@link #state} taken at any step
 * resumes later (on CPU the resumed run is identical to an uninterrupted one).
 */
final class StyleTransfer implements AutoCloseable {
    private static final String IMAGE = "image";
    private static final String STEP = "step";

    private final NDManager manager;
    private final int steps;
    private final StyleObjective objective;
    private final ImageOptimizer optimizer;
    private final NDArray image;
    private int step;

    /** @param inputs the photo and paintings at this scale's size */
    private StyleTransfer(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps, NDManager parent,
                          NDArray initial, int step) {
        this.manager = parent.newSubManager();
        this.steps = steps;
        this.step = step;
        try (NDManager inputsScope = manager.newSubManager()) {
            NDArray content = TensorImages.toTensor(inputsScope, inputs.content());
            List<NDArray> styles = inputs.styles().stream().map(s -> TensorImages.toTensor(inputsScope, s)).toList();
            this.objective = new StyleObjective(vgg, plan.objective(), manager, content, styles, inputs.styleWeights());
        }
        this.image = initial;
        image.attach(manager);
        this.optimizer = plan.optimizer() == OptimizerKind.ADAM
                ? new Adam(manager, plan.learningRate())
                : new Lbfgs(manager, plan.learningRate());
    }

    /** Starts from the plan's initial image: the photo, seeded noise or the first painting. */
    static StyleTransfer start(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps, NDManager parent) {
        BufferedImage c = inputs.content();
        NDArray initial = switch (plan.init()) {
            case CONTENT -> TensorImages.toTensor(parent, c);
            case NOISE -> TensorImages.noise(parent, c.getWidth(), c.getHeight(), plan.seed());
            case STYLE -> TensorImages.toTensor(parent, RgbImages.resize(inputs.style(), c.getWidth(), c.getHeight()));
        };
        return new StyleTransfer(vgg, inputs, plan, steps, parent, initial, 0);
    }

    /** Starts from a given image (coarse-to-fine: the previous scale's result) of the content's size. */
    static StyleTransfer startFrom(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps, NDManager parent,
                                   BufferedImage initial) {
        if (initial.getWidth() != inputs.content().getWidth() || initial.getHeight() != inputs.content().getHeight()) {
            throw new IllegalArgumentException("the initial image must have the content's size");
        }
        return new StyleTransfer(vgg, inputs, plan, steps, parent, TensorImages.toTensor(parent, initial), 0);
    }

    /** Continues from a decoded {@link #state}; the state's arrays stay with their manager. */
    static StyleTransfer resume(Vgg19Features vgg, StyleInputs inputs, StylePlan plan, int steps, NDManager parent,
                                NDList state) {
        NDArray saved = state.get(IMAGE);
        NDArray step = state.get(STEP);
        if (saved == null || step == null || step.size() != 1 || saved.getShape().dimension() != 4) {
            throw new InvalidInputException("the checkpoint holds no image and step");
        }
        long[] shape = saved.getShape().getShape();
        if (shape[0] != 1 || shape[1] != 3 || shape[2] != inputs.content().getHeight() || shape[3] != inputs.content().getWidth()) {
            throw new InvalidInputException("the checkpoint holds a " + shape[3] + "x" + shape[2]
                    + " image but the inputs give " + inputs.content().getWidth() + "x" + inputs.content().getHeight());
        }
        long done = step.getLong();
        if (done < 0 || done > steps) {
            throw new InvalidInputException("the checkpoint is at step " + done + " of a scale of " + steps);
        }
        NDArray initial = saved.toType(DataType.FLOAT32, true);
        initial.attach(parent);
        StyleTransfer run = new StyleTransfer(vgg, inputs, plan, steps, parent, initial, (int) done);
        try {
            run.optimizer.restore(state, saved.size());
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /** Takes one optimisation step: loss, gradient with respect to the image, update. */
    StepReport step() {
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

    boolean isFinished() {
        return step >= steps;
    }

    int stepsDone() {
        return step;
    }

    /** The current image, as the user would see it. */
    BufferedImage image() {
        return TensorImages.toImage(image);
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
