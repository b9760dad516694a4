package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.plan.Pooling;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import dev.stylize.plan.VggLayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bfloat16 convolutions against the float32 network, on the same generated weights. bf16 keeps
 * 8 bits of mantissa: activations agree to a fraction of a percent, the image gradient's
 * direction to a cosine of about 0.997 with max pooling, 0.99997 with average pooling.
 */
class Bf16PrecisionTest {
    private static final Set<VggLayer> TAPS = EnumSet.of(VggLayer.CONV1_1, VggLayer.CONV2_1, VggLayer.CONV3_1,
            VggLayer.CONV4_1, VggLayer.CONV4_2, VggLayer.CONV5_1);

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void activationsAndTheImageGradientMatchFloat32WithinBf16Rounding(Pooling pooling) {
        try (NDManager manager = NDManager.newBaseManager();
             Vgg19Features fp32 = new Vgg19Features(TestWeights.weights(), pooling, Precision.FP32);
             Vgg19Features bf16 = new Vgg19Features(TestWeights.weights(), pooling, Precision.BF16)) {
            NDArray image = TensorImages.noise(manager, 48, 64, 3);
            Result a = run(fp32, image);
            Result b = run(bf16, image);
            for (VggLayer layer : TAPS) {
                double error = relativeError(b.features().get(layer), a.features().get(layer));
                assertTrue(error < 0.02, layer.label() + " differs by " + error);
            }
            double cosine = a.gradient().mul(b.gradient()).sum().getFloat()
                    / (a.gradient().norm().getFloat() * b.gradient().norm().getFloat());
            assertTrue(cosine > 0.99, "gradient direction: cosine " + cosine);
            assertEquals(1.0, b.gradient().norm().getFloat() / a.gradient().norm().getFloat(), 0.03, "gradient size");
        }
    }

    @Test
    void aHundredStepRunEndsWithinTwoPercentOfFloat32() {
        StyleInputs inputs = new StyleInputs(SeedReferenceTest.decode("reference/content.png"),
                SeedReferenceTest.decode("reference/style.png"));
        StylePlan plan = TestPlans.plan(Preset.SEED, inputs.content(), PlanOptions.of(PlanOptions.MAX_SIZE, 64)
                .with(PlanOptions.STEPS, 100).with(PlanOptions.OPTIMIZER, OptimizerKind.ADAM).with(PlanOptions.LEARNING_RATE, 0.02));
        double fp32 = finalLoss(inputs, plan, Precision.FP32);
        double bf16 = finalLoss(inputs, plan, Precision.BF16);
        assertEquals(1.0, bf16 / fp32, 0.02, "final loss bf16 " + bf16 + " against fp32 " + fp32);
    }

    private static double finalLoss(StyleInputs inputs, StylePlan plan, Precision precision) {
        try (NDManager manager = NDManager.newBaseManager();
             Vgg19Features vgg = new Vgg19Features(TestWeights.weights(), plan.pooling(), precision);
             StyleTransfer run = TestPlans.start(vgg, inputs, plan, manager)) {
            double loss = 0;
            while (!run.isFinished()) {
                loss = run.step().loss();
            }
            return loss;
        }
    }

    private record Result(Map<VggLayer, NDArray> features, NDArray gradient) {
    }

    /** Activations, and the gradient of the sum of their mean squares with respect to the image. */
    private static Result run(Vgg19Features vgg, NDArray image) {
        NDArray x = image.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector collector = image.getManager().getEngine().newGradientCollector()) {
            Map<VggLayer, NDArray> features = vgg.extract(x, TAPS);
            NDArray loss = null;
            for (NDArray f : features.values()) {
                NDArray term = f.square().mean();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
            return new Result(features, x.getGradient().duplicate());
        }
    }

    private static double relativeError(NDArray actual, NDArray expected) {
        return actual.sub(expected).norm().getFloat() / expected.norm().getFloat();
    }
}
