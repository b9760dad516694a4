package dev.stylize.plan;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.stylize.plan.PlanOptions.CHECKPOINT_EVERY;
import static dev.stylize.plan.PlanOptions.CONTENT_WEIGHT;
import static dev.stylize.plan.PlanOptions.INIT;
import static dev.stylize.plan.PlanOptions.KEEP_COLORS;
import static dev.stylize.plan.PlanOptions.LEARNING_RATE;
import static dev.stylize.plan.PlanOptions.MAX_SIZE;
import static dev.stylize.plan.PlanOptions.OPTIMIZER;
import static dev.stylize.plan.PlanOptions.POOLING;
import static dev.stylize.plan.PlanOptions.STYLE_LAYERS;
import static dev.stylize.plan.PlanOptions.STYLE_SCALE;
import static dev.stylize.plan.PlanOptions.STYLE_WEIGHT;
import static dev.stylize.plan.PlanOptions.TV_WEIGHT;

/** Named starting points: each makes the whole {@link StylePlan} for a photo, the caller's options over its own. */
public enum Preset {
    /**
     * The seed notebook, number for number: Adam lr 0.003 for 2000 steps from the content,
     * max pooling, weights 1 / 1e6, layer weights 1, 0.75, 0.2, 0.2, 0.2, style resized to
     * the content's shape. One departure: the size limit is the longest side (400), where
     * the notebook sets the shorter side to min(400, longest side).
     */
    SEED(new Base(new Objective(LossForm.SEED, VggLayer.CONV4_2, 1.0, 1e6, 0.0, layers(1.0, 0.75, 0.2, 0.2, 0.2)),
            OptimizerKind.ADAM, 0.003, Init.CONTENT, Pooling.MAX, true, 400, 2000, null)),

    /**
     * Gatys et al. 2016: L-BFGS from white noise, average pooling, equal style layer weights,
     * alpha/beta = 1e-3, about 512 px. The paper's rescaling of VGG's filters to unit mean
     * activation needs ImageNet images and is not done here.
     */
    PAPER(new Base(new Objective(LossForm.PAPER, VggLayer.CONV4_2, 1.0, 1e3, 0.0, layers(0.2, 0.2, 0.2, 0.2, 0.2)),
            OptimizerKind.LBFGS, 1.0, Init.NOISE, Pooling.AVG, false, 512, 500, null)),

    /**
     * The product's default, chosen by measurement (docs/performance.md, "Time to quality"): the seed's
     * objective, optimised by L-BFGS from the photo, coarse to fine from about 128 px. On the
     * same machine, images and weights it reaches the seed recipe's final loss about 100 times
     * sooner and ends several times lower. Its 100 steps serve a caller that gives --scales alone.
     */
    QUALITY(new Base(new Objective(LossForm.SEED, VggLayer.CONV4_2, 1.0, 1e6, 0.0, layers(1.0, 0.75, 0.2, 0.2, 0.2)),
            OptimizerKind.LBFGS, 1.0, Init.CONTENT, Pooling.MAX, true, 512, 100, new Schedule.Pyramid(128, 25, 20)));

    /** A preset's own values, which a caller's options override one by one. */
    private record Base(Objective objective, OptimizerKind optimizer, double learningRate, Init init, Pooling pooling,
                        boolean styleFitsContent, int maxSize, int steps, Schedule.Pyramid pyramid) {
    }

    private final Base base;

    Preset(Base base) {
        this.base = base;
    }

    /** A preset by its name, any case. */
    public static Preset named(String name) {
        return Arrays.stream(values()).filter(p -> p.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("preset must be one of "
                        + String.join(", ", labels().stream().sorted().toList()) + ", got '" + name + "'"));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The whole plan for a photo of {@code width} x {@code height}: the result's longest side is
     * the option maxSize (else the preset's) but never more than the photo's (photos are not
     * enlarged). Options must already be validated against the caller's {@link Limits}.
     *
     * @throws InvalidInputException when the photo is too small or narrow for some scale
     */
    public StylePlan plan(int width, int height, PlanOptions options) {
        int size = Math.min(options.get(MAX_SIZE).orElse(base.maxSize()), Math.max(width, height));
        Objective own = base.objective();
        Objective objective = new Objective(own.lossForm(), own.contentLayer(),
                options.get(CONTENT_WEIGHT).orElse(own.contentWeight()), options.get(STYLE_WEIGHT).orElse(own.styleWeight()),
                options.get(TV_WEIGHT).orElse(own.tvWeight()), options.get(STYLE_LAYERS).orElse(own.styleLayerWeights()));
        // Switching optimiser without a learning rate takes that optimiser's usual one, not the preset's.
        OptimizerKind optimizer = options.get(OPTIMIZER).orElse(base.optimizer());
        double learningRate = options.get(LEARNING_RATE).orElseGet(() -> optimizer == base.optimizer()
                ? base.learningRate() : optimizer.usualLearningRate());
        return new StylePlan(objective, optimizer, learningRate, options.get(INIT).orElse(base.init()),
                options.get(PlanOptions.SEED).orElse(0L), options.get(POOLING).orElse(base.pooling()), base.styleFitsContent(),
                options.get(STYLE_SCALE).orElse(1.0), options.get(KEEP_COLORS).orElse(false),
                Schedule.of(size, width, height, options, base.steps(), base.pyramid()),
                options.get(CHECKPOINT_EVERY).orElse(0));
    }

    private static Map<VggLayer, Double> layers(double w11, double w21, double w31, double w41, double w51) {
        return Map.of(VggLayer.CONV1_1, w11, VggLayer.CONV2_1, w21, VggLayer.CONV3_1, w31, VggLayer.CONV4_1, w41,
                VggLayer.CONV5_1, w51);
    }

    /** Every preset's name, for help texts. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(Preset::label).toList();
    }
}
