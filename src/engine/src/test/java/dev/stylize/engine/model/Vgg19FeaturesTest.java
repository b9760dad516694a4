package dev.stylize.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.loss.StyleObjective;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The network's own memory holds its weights' copies and nothing more, however many steps a job
 * takes: every pass (the untiled step's one call, and the tiled step's extract and backward) makes
 * its arrays in the image's scope, which the step frees.
 */
class Vgg19FeaturesTest {

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
