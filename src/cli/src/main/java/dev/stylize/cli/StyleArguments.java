package dev.stylize.cli;

import dev.stylize.engine.InvalidInputException;
import dev.stylize.engine.Preset;
import dev.stylize.engine.StyleOptions;
import dev.stylize.engine.StyleOptions.Init;
import dev.stylize.engine.StyleOptions.OptimizerKind;
import dev.stylize.engine.StyleOverrides;
import dev.stylize.engine.model.Pooling;
import dev.stylize.engine.model.VggLayer;
import picocli.CommandLine.Option;

import java.util.EnumMap;
import java.util.Map;

/** The optimisation options of {@code run}; each overrides the preset's value when given. */
final class StyleArguments {
    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "QUALITY",
            description = "Starting point for every option below: ${COMPLETION-CANDIDATES} (default: quality). "
                    + "'quality' is the seed's objective by L-BFGS, coarse to fine: the seed's final loss about 100 "
                    + "times sooner; 'seed' is the notebook's recipe (Adam, 2000 steps); 'paper' is Gatys et al. "
                    + "(L-BFGS from noise, avg pooling).")
    Preset preset;

    @Option(names = "--steps", paramLabel = "N", description = "Optimisation steps (1 to " + StyleOptions.MAX_STEPS + ").")
    Integer steps;

    @Option(names = "--max-size", paramLabel = "PX",
            description = "Longest side of the result; smaller photos keep their size.")
    Integer maxSize;

    @Option(names = "--content-weight", paramLabel = "W", description = "Weight of the content loss.")
    Double contentWeight;

    @Option(names = "--style-weight", paramLabel = "W", description = "Weight of the style loss.")
    Double styleWeight;

    @Option(names = "--tv-weight", paramLabel = "W", description = "Weight of the total-variation (smoothness) loss; 0 turns it off.")
    Double tvWeight;

    @Option(names = "--style-layers", paramLabel = "LAYER=W", split = ",",
            description = "Per-layer style weights, e.g. conv1_1=1,conv2_1=0.75 (layers conv1_1 … conv5_1).")
    Map<String, Double> styleLayers;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "${COMPLETION-CANDIDATES}.")
    OptimizerKind optimizer;

    @Option(names = {"--lr", "--learning-rate"}, paramLabel = "RATE", description = "Learning rate (L-BFGS: step length).")
    Double learningRate;

    @Option(names = "--init", paramLabel = "FROM", description = "Initial image: ${COMPLETION-CANDIDATES}.")
    Init init;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for the noise initialisation.")
    Long seed;

    @Option(names = "--pooling", paramLabel = "KIND", description = "VGG pooling: ${COMPLETION-CANDIDATES}.")
    Pooling pooling;

    StyleOptions resolve() {
        Map<VggLayer, Double> layers = null;
        if (styleLayers != null) {
            layers = new EnumMap<>(VggLayer.class);
            try {
                for (Map.Entry<String, Double> e : styleLayers.entrySet()) {
                    layers.put(VggLayer.fromLabel(e.getKey()), e.getValue());
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage(), e);
            }
        }
        return new StyleOverrides(steps, maxSize, contentWeight, styleWeight, tvWeight, layers, optimizer, learningRate,
                init, seed, pooling).applyTo(preset.options());
    }
}
