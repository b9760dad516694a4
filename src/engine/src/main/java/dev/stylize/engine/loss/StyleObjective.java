package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.Scalars;
import dev.stylize.engine.StyleOptions;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.VggLayer;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The function the image is optimised against: content features of the photo and Gram
 * matrices of the painting are computed once here, then every {@link #evaluate} compares
 * the image's features to them.
 */
public final class StyleObjective {
    private final Vgg19Features vgg;
    private final StyleOptions options;
    private final Set<VggLayer> taps;
    private final NDArray contentTarget;
    private final Map<VggLayer, NDArray> styleGrams = new EnumMap<>(VggLayer.class);

    /**
     * @param manager owns the targets for the life of the run
     * @param content (1, 3, H, W) normalised photo
     * @param style   (1, 3, H', W') normalised painting
     */
    public StyleObjective(Vgg19Features vgg, StyleOptions options, NDManager manager, NDArray content, NDArray style) {
        this.vgg = vgg;
        this.options = options;
        this.taps = EnumSet.copyOf(options.styleLayerWeights().keySet());
        taps.add(options.contentLayer());
        try (NDManager scratch = manager.newSubManager()) {
            scratch.tempAttachAll(content, style);
            contentTarget = vgg.extract(content, Set.of(options.contentLayer())).get(options.contentLayer());
            contentTarget.attach(manager);
            vgg.extract(style, options.styleLayerWeights().keySet()).forEach((layer, features) -> {
                NDArray g = Losses.gram(features);
                g.attach(manager);
                styleGrams.put(layer, g);
            });
        }
    }

    /** @param image (1, 3, H, W); results live in image's manager */
    public LossTerms evaluate(NDArray image) {
        Map<VggLayer, NDArray> features = vgg.extract(image, taps);
        NDArray content = Scalars.times(
                Losses.content(features.get(options.contentLayer()), contentTarget, options.lossForm()),
                options.contentWeight());
        NDArray style = null;
        for (Map.Entry<VggLayer, Double> layer : options.styleLayerWeights().entrySet()) {
            NDArray term = Scalars.times(
                    Losses.styleLayer(features.get(layer.getKey()), styleGrams.get(layer.getKey()), options.lossForm()),
                    layer.getValue());
            style = style == null ? term : style.add(term);
        }
        style = Scalars.times(style, options.styleWeight());
        NDArray total = content.add(style);
        double tvValue = 0;
        if (options.tvWeight() > 0) {
            NDArray tv = Scalars.times(Losses.totalVariation(image), options.tvWeight());
            total = total.add(tv);
            tvValue = Scalars.value(tv);
        }
        return new LossTerms(total, Scalars.value(content), Scalars.value(style), tvValue);
    }
}
