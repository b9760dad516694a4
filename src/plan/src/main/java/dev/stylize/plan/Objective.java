package dev.stylize.plan;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The function the image is optimised against: which features are compared, how the terms are
 * normalised and how they are weighted.
 *
 * @param styleLayerWeights per-layer style weights, before {@code styleWeight}
 * @param tvWeight          total variation (smoothness); 0 turns it off
 */
public record Objective(LossForm lossForm, VggLayer contentLayer, double contentWeight, double styleWeight, double tvWeight,
                        Map<VggLayer, Double> styleLayerWeights) {

    public Objective {
        if (styleLayerWeights.isEmpty()) {
            throw new InvalidInputException("at least one style layer is needed");
        }
        Map<VggLayer, Double> copy = new EnumMap<>(VggLayer.class);
        copy.putAll(styleLayerWeights);
        styleLayerWeights = Collections.unmodifiableMap(copy);
    }
}
