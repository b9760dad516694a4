package dev.stylize.engine;

import dev.stylize.engine.StyleOptions.Init;
import dev.stylize.engine.StyleOptions.OptimizerKind;
import dev.stylize.engine.model.Pooling;
import dev.stylize.engine.model.VggLayer;

import java.util.Map;

/**
 * Changes to a preset's options, each null when not asked for: what the command line and a
 * job manifest both say. Changing the optimiser without a learning rate takes that
 * optimiser's usual rate (L-BFGS 1, Adam 0.02) rather than the preset's.
 */
public record StyleOverrides(
        Integer steps,
        Integer maxSize,
        Double contentWeight,
        Double styleWeight,
        Double tvWeight,
        Map<VggLayer, Double> styleLayers,
        OptimizerKind optimizer,
        Double learningRate,
        Init init,
        Long seed,
        Pooling pooling) {

    public StyleOptions applyTo(StyleOptions preset) {
        StyleOptions o = preset;
        if (steps != null) {
            o = o.withSteps(steps);
        }
        if (maxSize != null) {
            o = o.withMaxSize(maxSize);
        }
        o = o.withWeights(
                contentWeight != null ? contentWeight : o.contentWeight(),
                styleWeight != null ? styleWeight : o.styleWeight(),
                tvWeight != null ? tvWeight : o.tvWeight());
        if (styleLayers != null) {
            o = o.withStyleLayerWeights(styleLayers);
        }
        if (optimizer != null || learningRate != null) {
            OptimizerKind kind = optimizer != null ? optimizer : o.optimizer();
            double usualRate = kind == o.optimizer() ? o.learningRate() : (kind == OptimizerKind.LBFGS ? 1.0 : 0.02);
            o = o.withOptimizer(kind, learningRate != null ? learningRate : usualRate);
        }
        if (init != null) {
            o = o.withInit(init);
        }
        if (seed != null) {
            o = o.withSeed(seed);
        }
        if (pooling != null) {
            o = o.withPooling(pooling);
        }
        return o;
    }
}
