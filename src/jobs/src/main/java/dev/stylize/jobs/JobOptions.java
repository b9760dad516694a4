package dev.stylize.jobs;

import java.util.Locale;
import java.util.Set;

/**
 * The options a job may set; null means "the preset's value". {@code styleScale} sizes the
 * paintings relative to the result (1: same size); {@code keepColors} keeps the photo's colours. {@link #validate()} holds the
 * service's bounds, which are narrower than the engine's: they keep one job within what a
 * worker's GPU does in reasonable time.
 */
public record JobOptions(
        Integer steps,
        Integer maxSize,
        Double contentWeight,
        Double styleWeight,
        Double tvWeight,
        String optimizer,
        Double learningRate,
        String init,
        Long seed,
        String pooling,
        Integer checkpointEvery,
        Double styleScale,
        Boolean keepColors) {

    public static final int MAX_STEPS = 5000;
    public static final int MIN_SIZE = 32;
    public static final int MAX_SIZE = 2048;
    public static final Set<String> PRESETS = Set.of("quality", "seed", "paper");
    /** The style image's size relative to the output, as jcjohnson/neural-style's -style_scale. */
    public static final double MIN_STYLE_SCALE = 0.1;
    public static final double MAX_STYLE_SCALE = 4.0;

    public static JobOptions none() {
        return new JobOptions(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Fills each null of this with {@code defaults}'s value. */
    public JobOptions orElse(JobOptions defaults) {
        return new JobOptions(
                steps != null ? steps : defaults.steps,
                maxSize != null ? maxSize : defaults.maxSize,
                contentWeight != null ? contentWeight : defaults.contentWeight,
                styleWeight != null ? styleWeight : defaults.styleWeight,
                tvWeight != null ? tvWeight : defaults.tvWeight,
                optimizer != null ? optimizer : defaults.optimizer,
                learningRate != null ? learningRate : defaults.learningRate,
                init != null ? init : defaults.init,
                seed != null ? seed : defaults.seed,
                pooling != null ? pooling : defaults.pooling,
                checkpointEvery != null ? checkpointEvery : defaults.checkpointEvery,
                styleScale != null ? styleScale : defaults.styleScale,
                keepColors != null ? keepColors : defaults.keepColors);
    }

    /** @throws JobRejectedException naming the first option out of bounds */
    public JobOptions validate() {
        if (steps != null) {
            require(steps >= 1 && steps <= MAX_STEPS, "steps must be from 1 to " + MAX_STEPS + ", got " + steps);
        }
        if (maxSize != null) {
            require(maxSize >= MIN_SIZE && maxSize <= MAX_SIZE,
                    "maxSize must be from " + MIN_SIZE + " to " + MAX_SIZE + " pixels, got " + maxSize);
        }
        weight("contentWeight", contentWeight);
        weight("styleWeight", styleWeight);
        weight("tvWeight", tvWeight);
        oneOf("optimizer", optimizer, Set.of("adam", "lbfgs"));
        oneOf("init", init, Set.of("content", "noise", "style"));
        oneOf("pooling", pooling, Set.of("max", "avg"));
        if (learningRate != null) {
            require(Double.isFinite(learningRate) && learningRate > 0 && learningRate <= 1000,
                    "learningRate must be above 0 and at most 1000, got " + learningRate);
        }
        if (checkpointEvery != null) {
            require(checkpointEvery >= 1 && checkpointEvery <= MAX_STEPS,
                    "checkpointEvery must be from 1 to " + MAX_STEPS + ", got " + checkpointEvery);
        }
        if (styleScale != null) {
            require(Double.isFinite(styleScale) && styleScale >= MIN_STYLE_SCALE && styleScale <= MAX_STYLE_SCALE,
                    "styleScale must be from " + MIN_STYLE_SCALE + " to " + MAX_STYLE_SCALE + ", got " + styleScale);
        }
        return this;
    }

    private static void weight(String name, Double w) {
        if (w != null) {
            require(Double.isFinite(w) && w >= 0 && w <= 1e12, name + " must be a number from 0 to 1e12, got " + w);
        }
    }

    private static void oneOf(String name, String value, Set<String> allowed) {
        if (value != null) {
            require(allowed.contains(value.toLowerCase(Locale.ROOT)),
                    name + " must be one of " + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + value + "'");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new JobRejectedException(message);
        }
    }
}
