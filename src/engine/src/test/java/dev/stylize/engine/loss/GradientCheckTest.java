package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.stylize.engine.TestWeights;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gradient the optimiser gets (closed form at the activations, autograd through VGG) equals
 * central finite differences of the loss (float64).
 */
class GradientCheckTest {
    private static final double H = 1e-4;

    @ParameterizedTest
    @EnumSource(Preset.class)
    void totalLossGradientMatchesFiniteDifferences(Preset preset) {
        StylePlan plan = preset.plan(24, 20, PlanOptions.of(PlanOptions.CONTENT_WEIGHT, 1.0).with(PlanOptions.TV_WEIGHT, 0.5));
        Vgg19Features vgg = new Vgg19Features(TestWeights.weights().toType(DataType.FLOAT64), plan.pooling(),
                Precision.FP32);
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 3, 20, 24);
            NDArray content = random(manager, shape, 1);
            NDArray style = random(manager, shape, 2);
            NDArray image = random(manager, shape, 3);
            StyleObjective objective = new StyleObjective(vgg, plan.objective(), manager, content, List.of(style), List.of(1.0),
                    Integer.MAX_VALUE);

            double[] analytic = objective.evaluate(image).gradient().toDoubleArray();

            SplittableRandom pick = new SplittableRandom(4);
            for (int n = 0; n < 8; n++) {
                int i = pick.nextInt((int) shape.size());
                double numeric = (loss(objective, image, i, H) - loss(objective, image, i, -H)) / (2 * H);
                assertEquals(numeric, analytic[i], 1e-5 * Math.max(1.0, Math.abs(numeric)) + 1e-4 * maxAbs(analytic),
                        preset + ": d(loss)/d(pixel " + i + ")");
            }
        }
    }

    private static double loss(StyleObjective objective, NDArray image, int index, double delta) {
        try (NDManager scope = image.getManager().newSubManager()) {
            double[] values = image.toDoubleArray();
            values[index] += delta;
            NDArray shifted = scope.create(values, image.getShape());
            return objective.evaluate(shifted).totalValue();
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    private static NDArray random(NDManager manager, Shape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble(-2, 2);
        }
        return manager.create(v, shape);
    }
}
