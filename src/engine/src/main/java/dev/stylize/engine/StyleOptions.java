package dev.stylize.engine;

import dev.stylize.engine.loss.LossForm;
import dev.stylize.engine.model.Pooling;
import dev.stylize.engine.model.VggLayer;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that decides the result of one stylisation. Start from a {@link Preset} and
 * change what you need with the {@code with…} methods; {@link #validate()} enforces the
 * bounds every entry point (command line, job manifest) shares.
 *
 * @param maxSize          longest side of the result in pixels; smaller photos are not enlarged
 * @param styleLayerWeights per-layer style weights, before {@code styleWeight}
 * @param styleFitsContent resize the style to the content's exact width and height (the
 *                         seed notebook), instead of keeping its aspect ratio
 */
public record StyleOptions(
        LossForm lossForm,
        int steps,
        int maxSize,
        double contentWeight,
        double styleWeight,
        double tvWeight,
        VggLayer contentLayer,
        Map<VggLayer, Double> styleLayerWeights,
        OptimizerKind optimizer,
        double learningRate,
        Init init,
        long seed,
        Pooling pooling,
        boolean styleFitsContent) {

    public static final int MAX_STEPS = 20_000;
    public static final int MIN_SIZE = 16;
    /** Room for 8K UHD (7680 px wide); sizes whose steps do not fit the memory run in tiles ({@link MemoryEstimate}). */
    public static final int MAX_SIZE = 8192;

    public enum OptimizerKind { ADAM, LBFGS }

    /** The image the optimisation starts from. */
    public enum Init { CONTENT, NOISE, STYLE }

    public StyleOptions {
        Map<VggLayer, Double> copy = new EnumMap<>(VggLayer.class);
        copy.putAll(styleLayerWeights);
        styleLayerWeights = Collections.unmodifiableMap(copy);
    }

    public StyleOptions withSteps(int v) {
        return new StyleOptions(lossForm, v, maxSize, contentWeight, styleWeight, tvWeight, contentLayer,
                styleLayerWeights, optimizer, learningRate, init, seed, pooling, styleFitsContent);
    }

    public StyleOptions withMaxSize(int v) {
        return new StyleOptions(lossForm, steps, v, contentWeight, styleWeight, tvWeight, contentLayer,
                styleLayerWeights, optimizer, learningRate, init, seed, pooling, styleFitsContent);
    }

    public StyleOptions withWeights(double content, double style, double tv) {
        return new StyleOptions(lossForm, steps, maxSize, content, style, tv, contentLayer,
                styleLayerWeights, optimizer, learningRate, init, seed, pooling, styleFitsContent);
    }

    public StyleOptions withStyleLayerWeights(Map<VggLayer, Double> v) {
        return new StyleOptions(lossForm, steps, maxSize, contentWeight, styleWeight, tvWeight, contentLayer,
                v, optimizer, learningRate, init, seed, pooling, styleFitsContent);
    }

    public StyleOptions withOptimizer(OptimizerKind kind, double lr) {
        return new StyleOptions(lossForm, steps, maxSize, contentWeight, styleWeight, tvWeight, contentLayer,
                styleLayerWeights, kind, lr, init, seed, pooling, styleFitsContent);
    }

    public StyleOptions withInit(Init v) {
        return new StyleOptions(lossForm, steps, maxSize, contentWeight, styleWeight, tvWeight, contentLayer,
                styleLayerWeights, optimizer, learningRate, v, seed, pooling, styleFitsContent);
    }

    public StyleOptions withSeed(long v) {
        return new StyleOptions(lossForm, steps, maxSize, contentWeight, styleWeight, tvWeight, contentLayer,
                styleLayerWeights, optimizer, learningRate, init, v, pooling, styleFitsContent);
    }

    public StyleOptions withPooling(Pooling v) {
        return new StyleOptions(lossForm, steps, maxSize, contentWeight, styleWeight, tvWeight, contentLayer,
                styleLayerWeights, optimizer, learningRate, init, seed, v, styleFitsContent);
    }

    /** Throws {@link InvalidInputException} naming the first option out of bounds. */
    public StyleOptions validate() {
        require(steps >= 1 && steps <= MAX_STEPS, "steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        require(maxSize >= MIN_SIZE && maxSize <= MAX_SIZE,
                "max size must be between " + MIN_SIZE + " and " + MAX_SIZE + " pixels, got " + maxSize);
        requireWeight("content weight", contentWeight);
        requireWeight("style weight", styleWeight);
        requireWeight("total-variation weight", tvWeight);
        require(!styleLayerWeights.isEmpty(), "at least one style layer is needed");
        styleLayerWeights.forEach((layer, w) -> requireWeight("style weight of " + layer.label(), w));
        require(Double.isFinite(learningRate) && learningRate > 0 && learningRate <= 1e3,
                "learning rate must be above 0 and at most 1000, got " + learningRate);
        return this;
    }

    private static void requireWeight(String what, double w) {
        require(Double.isFinite(w) && w >= 0 && w <= 1e12, what + " must be a number from 0 to 1e12, got " + w);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidInputException(message);
        }
    }

    /** One line for logs and the run's header. */
    public String summary() {
        StringBuilder layers = new StringBuilder();
        styleLayerWeights.forEach((l, w) -> layers.append(layers.isEmpty() ? "" : ",").append(l.label()).append('=').append(w));
        return String.format(Locale.ROOT,
                "loss=%s steps=%d maxSize=%d content=%g style=%g tv=%g contentLayer=%s styleLayers=%s optimizer=%s lr=%g init=%s seed=%d pooling=%s",
                lossForm, steps, maxSize, contentWeight, styleWeight, tvWeight, contentLayer.label(), layers,
                optimizer, learningRate, init, seed, pooling);
    }
}
