package dev.stylize.engine;

import dev.stylize.engine.StyleOptions.Init;
import dev.stylize.engine.StyleOptions.OptimizerKind;
import dev.stylize.engine.loss.LossForm;
import dev.stylize.engine.model.Pooling;
import dev.stylize.engine.model.VggLayer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Named starting points for {@link StyleOptions}. */
public enum Preset {
    /**
     * The seed notebook, number for number: Adam lr 0.003 for 2000 steps from the content,
     * max pooling, weights 1 / 1e6, layer weights 1, 0.75, 0.2, 0.2, 0.2, style resized to
     * the content's shape. One departure: the size limit is the longest side (400), where
     * the notebook sets the shorter side to min(400, longest side).
     */
    SEED(new StyleOptions(LossForm.SEED, 2000, 400, 1.0, 1e6, 0.0, VggLayer.CONV4_2,
            layers(1.0, 0.75, 0.2, 0.2, 0.2), OptimizerKind.ADAM, 0.003, Init.CONTENT, 0, Pooling.MAX, true), null),

    /**
     * Gatys et al. 2016: L-BFGS from white noise, average pooling, equal style layer weights,
     * alpha/beta = 1e-3, about 512 px. The paper's rescaling of VGG's filters to unit mean
     * activation needs ImageNet images and is not done here.
     */
    PAPER(new StyleOptions(LossForm.PAPER, 500, 512, 1.0, 1e3, 0.0, VggLayer.CONV4_2,
            layers(0.2, 0.2, 0.2, 0.2, 0.2), OptimizerKind.LBFGS, 1.0, Init.NOISE, 0, Pooling.AVG, false), null),

    /**
     * The product's default, chosen by measurement (README, "Time to quality"): the seed's
     * objective, optimised by L-BFGS from the photo, coarse to fine from about 128 px. On the
     * same machine, images and weights it reaches the seed recipe's final loss about 100 times
     * sooner and ends several times lower. Its {@code steps} (100) serve only callers that take
     * the options without the {@link #schedule}.
     */
    QUALITY(new StyleOptions(LossForm.SEED, 100, 512, 1.0, 1e6, 0.0, VggLayer.CONV4_2,
            layers(1.0, 0.75, 0.2, 0.2, 0.2), OptimizerKind.LBFGS, 1.0, Init.CONTENT, 0, Pooling.MAX, true),
            new Pyramid(128, 25, 20));

    /**
     * A preset's coarse-to-fine schedule: sizes halve down from the result's while they stay at
     * least {@code coarsestSize}; the coarsest scale takes {@code coarsestSteps}, each finer one
     * {@code finerSteps} (it starts close to its optimum, from the upsampled coarser result).
     */
    public record Pyramid(int coarsestSize, int coarsestSteps, int finerSteps) {
    }

    private final StyleOptions options;
    private final Pyramid pyramid;

    Preset(StyleOptions options, Pyramid pyramid) {
        this.options = options;
        this.pyramid = pyramid;
    }

    public StyleOptions options() {
        return options;
    }

    /**
     * How this preset optimises a result whose longest side is {@code size}: one scale of
     * {@code options().steps()} steps, or its coarse-to-fine pyramid.
     */
    public List<CoarseToFine.Scale> schedule(int size) {
        return schedule(size, null);
    }

    /**
     * As {@link #schedule(int)}, unless the caller gave its own step count: then those steps at
     * the full size only, whatever the preset's pyramid.
     */
    public List<CoarseToFine.Scale> schedule(int size, Integer ownSteps) {
        if (ownSteps != null || pyramid == null) {
            return List.of(new CoarseToFine.Scale(size, ownSteps != null ? ownSteps : options.steps()));
        }
        int count = 1;
        while (count < CoarseToFine.MAX_SCALES && (size >> count) >= pyramid.coarsestSize()) {
            count++;
        }
        List<Integer> steps = new ArrayList<>();
        steps.add(pyramid.coarsestSteps());
        for (int i = 1; i < count; i++) {
            steps.add(pyramid.finerSteps());
        }
        return CoarseToFine.schedule(size, count, steps);
    }

    private static Map<VggLayer, Double> layers(double w11, double w21, double w31, double w41, double w51) {
        Map<VggLayer, Double> m = new EnumMap<>(VggLayer.class);
        m.put(VggLayer.CONV1_1, w11);
        m.put(VggLayer.CONV2_1, w21);
        m.put(VggLayer.CONV3_1, w31);
        m.put(VggLayer.CONV4_1, w41);
        m.put(VggLayer.CONV5_1, w51);
        return m;
    }
}
