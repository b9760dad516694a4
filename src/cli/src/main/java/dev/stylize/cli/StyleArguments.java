package dev.stylize.cli;

import dev.stylize.plan.Init;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.VggLayer;
import picocli.CommandLine.Option;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The optimisation options of {@code run}; each overrides the preset's value when given. */
final class StyleArguments {
    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "QUALITY",
            description = "Starting point for every option below: ${COMPLETION-CANDIDATES} (default: quality). "
                    + "'quality' is the seed's objective by L-BFGS, coarse to fine: the seed's final loss about 100 "
                    + "times sooner; 'seed' is the notebook's recipe (Adam, 2000 steps); 'paper' is Gatys et al. "
                    + "(L-BFGS from noise, avg pooling).")
    Preset preset;

    @Option(names = "--steps", paramLabel = "N", description = "Optimisation steps (1 to " + Limits.ENGINE_MAX_STEPS + "), at the full size only.")
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

    @Option(names = "--style-scale", paramLabel = "S",
            description = "The paintings' size relative to the result, " + Limits.MIN_STYLE_SCALE + " to " + Limits.MAX_STYLE_SCALE
                    + ": below 1 gives larger brush strokes (default: 1).")
    Double styleScale;

    @Option(names = "--keep-colors", description = "Keep the photo's colours: only the luminance is stylised.")
    boolean keepColors;

    @Option(names = "--scales", paramLabel = "N",
            description = "Coarse-to-fine: optimise at N sizes halving down from the result's, each starting from the "
                    + "previous result upsampled (default: the preset's; quality goes coarse to fine from about "
                    + "128 px, the others use 1).")
    Integer scales;

    @Option(names = "--scale-steps", split = ",", paramLabel = "N,N…",
            description = "Steps at each scale, coarsest first (default: --steps at every scale). Giving --steps, "
                    + "--scales or --scale-steps replaces the preset's schedule.")
    List<Integer> scaleSteps;

    /** The options given, checked against the engine's limits. */
    PlanOptions options() {
        return PlanOptions.NONE
                .with(PlanOptions.STEPS, steps)
                .with(PlanOptions.MAX_SIZE, maxSize)
                .with(PlanOptions.CONTENT_WEIGHT, contentWeight)
                .with(PlanOptions.STYLE_WEIGHT, styleWeight)
                .with(PlanOptions.TV_WEIGHT, tvWeight)
                .with(PlanOptions.STYLE_LAYERS, layers())
                .with(PlanOptions.OPTIMIZER, optimizer)
                .with(PlanOptions.LEARNING_RATE, learningRate)
                .with(PlanOptions.INIT, init)
                .with(PlanOptions.SEED, seed)
                .with(PlanOptions.POOLING, pooling)
                .with(PlanOptions.STYLE_SCALE, styleScale)
                .with(PlanOptions.KEEP_COLORS, keepColors ? Boolean.TRUE : null)
                .with(PlanOptions.SCALES, scales)
                .with(PlanOptions.SCALE_STEPS, scaleSteps == null ? null : List.copyOf(scaleSteps))
                .validate(Limits.ENGINE);
    }

    private Map<VggLayer, Double> layers() {
        if (styleLayers == null) {
            return null;
        }
        Map<VggLayer, Double> layers = new EnumMap<>(VggLayer.class);
        try {
            styleLayers.forEach((label, weight) -> layers.put(VggLayer.fromLabel(label), weight));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        return layers;
    }
}
