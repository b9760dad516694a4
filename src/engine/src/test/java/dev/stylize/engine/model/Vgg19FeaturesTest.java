package dev.stylize.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stylize.engine.loss.LossTerms;
import dev.stylize.engine.loss.StyleObjective;
import dev.stylize.engine.tensor.Autograd;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import dev.stylize.plan.VggLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Vgg19FeaturesTest {

    /**
     * A run from the photo takes its content target from its first step's forward pass, and a run
     * resumed later makes it by a pass of its own: the two must agree to the bit, or a resumed job
     * would end in other bytes than an uninterrupted one.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void theFirstStepsContentTargetIsTheSeparatePassToTheBit(Precision precision) {
        StylePlan plan = Preset.QUALITY.plan(128, 96, PlanOptions.of(PlanOptions.TV_WEIGHT, 0.5));
        try (NDManager network = NDManager.newBaseManager(); NDManager run = NDManager.newBaseManager()) {
            Vgg19Weights weights = Vgg19Weights.fromSafetensors(network, SyntheticWeights.generate(network, 3));
            try (Vgg19Features vgg = new Vgg19Features(weights, plan.pooling(), precision)) {
                for (int[] size : new int[][] {{128, 96}, {72, 100}, {48, 40}}) {
                    NDArray content = TensorImages.noise(run, size[0], size[1], 1);
                    NDArray style = TensorImages.noise(run, size[0], size[1], 2);
                    NDArray later = TensorImages.noise(run, size[0], size[1], 3);
                    NDArray separate = vgg.extract(content, Set.of(VggLayer.CONV4_2)).get(VggLayer.CONV4_2);
                    Map<VggLayer, NDArray> styleTarget = Map.of(VggLayer.CONV1_1, run.zeros(new Shape(64, 64)));
                    NDArray own;
                    try (Autograd recording = Autograd.record()) {
                        own = vgg.evaluate(content, styleTarget, VggLayer.CONV4_2, null, new double[] {1, 1})
                                .contentFeatures();
                    }
                    assertArrayEquals(separate.toFloatArray(), own.toFloatArray(),
                            precision + " " + size[0] + "x" + size[1] + ": the evaluation's own content activations");

                    StyleObjective eager = new StyleObjective(vgg, plan.objective(), run, content, List.of(style),
                            List.of(1.0), Integer.MAX_VALUE, false);
                    StyleObjective deferred = new StyleObjective(vgg, plan.objective(), run, content, List.of(style),
                            List.of(1.0), Integer.MAX_VALUE, true);
                    for (NDArray image : List.of(content, later)) {
                        LossTerms a = eager.evaluate(image);
                        LossTerms b = deferred.evaluate(image);
                        assertArrayEquals(a.gradient().toFloatArray(), b.gradient().toFloatArray());
                        assertEquals(a.content(), b.content());
                        assertEquals(a.style(), b.style());
                    }
                }
            }
        }
    }

    /**
     * The network's own memory holds its weights' copies and nothing more, however many steps a job
     * takes: every pass (the untiled step's one call, and the tiled step's extract and backward) makes
     * its arrays in the image's scope, which the step frees.
     */
    @Test
    void stepsLeaveNothingBehindInTheNetworksMemory() {
        StylePlan plan = Preset.SEED.plan(48, 40, PlanOptions.of(PlanOptions.TV_WEIGHT, 0.5));
        try (NDManager network = NDManager.newBaseManager(); NDManager run = NDManager.newBaseManager()) {
            Vgg19Weights weights = Vgg19Weights.fromSafetensors(network, SyntheticWeights.generate(network, 3));
            try (Vgg19Features vgg = new Vgg19Features(weights, plan.pooling(), Precision.FP32)) {
                NDArray content = TensorImages.noise(run, 48, 40, 1);
                NDArray style = TensorImages.noise(run, 48, 40, 2);
                NDArray image = TensorImages.noise(run, 48, 40, 3);
                StyleObjective untiled = new StyleObjective(vgg, plan.objective(), run, content, List.of(style),
                        List.of(1.0), Integer.MAX_VALUE);
                StyleObjective tiled = new StyleObjective(vgg, plan.objective(), run, content, List.of(style),
                        List.of(1.0), 16);
                int held = network.getManagedArrays().size();
                for (int i = 0; i < 5; i++) {
                    for (StyleObjective objective : List.of(untiled, tiled)) {
                        try (NDManager step = run.newSubManager()) {
                            step.tempAttachAll(image);
                            objective.evaluate(image);
                        }
                    }
                }
                assertEquals(held, network.getManagedArrays().size(), "arrays in the network's memory after ten steps");
            }
        }
    }
}
