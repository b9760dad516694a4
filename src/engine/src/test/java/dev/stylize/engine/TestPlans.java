package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.Scale;
import dev.stylize.plan.StylePlan;

import java.awt.image.BufferedImage;

/** Plans and single-scale runs for the engine's tests, made the way callers make them. */
final class TestPlans {
    private TestPlans() {
    }

    /** The preset's plan for {@code content}, with {@code options}. */
    static StylePlan plan(Preset preset, BufferedImage content, PlanOptions options) {
        return preset.plan(content.getWidth(), content.getHeight(), options);
    }

    /** The plan's first scale as a run of its own, on inputs sized for it. */
    static StyleTransfer start(Vgg19Features vgg, StyleInputs originals, StylePlan plan, NDManager manager) {
        Scale scale = plan.schedule().get(0);
        return StyleTransfer.start(vgg, originals.sizedFor(plan, scale), plan, scale.steps(), manager,
                MemoryBudget.ofAvailableMemory(), null, 0);
    }
}
