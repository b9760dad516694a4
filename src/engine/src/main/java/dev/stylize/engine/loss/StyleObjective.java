package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.tensor.Scalars;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.plan.Objective;
import dev.stylize.plan.VggLayer;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The function the image is optimised against: content features of the photo and Gram
 * matrices of the painting are computed once here, then every {@link #evaluate} compares
 * the image's features to them.
 */
public final class StyleObjective {
    private final Vgg19Features vgg;
    private final Objective objective;
    private final Set<VggLayer> taps;
    private final NDArray contentTarget;
    private final Map<VggLayer, NDArray> styleGrams = new EnumMap<>(VggLayer.class);

    /**
     * With several paintings the target Gram matrix of each layer is their weighted mean, as
     * jcjohnson/neural-style blends styles; one painting of weight 1 gives its own Grams.
     *
     * @param manager owns the targets for the life of the run
     * @param content (1, 3, H, W) normalised photo
     * @param styles  (1, 3, H', W') normalised paintings
     * @param weights blend weight of each painting
     */
    public StyleObjective(Vgg19Features vgg, Objective objective, NDManager manager, NDArray content,
                          List<NDArray> styles, List<Double> weights) {
        this.vgg = vgg;
        this.objective = objective;
        this.taps = EnumSet.copyOf(objective.styleLayerWeights().keySet());
        taps.add(objective.contentLayer());
        try (NDManager scratch = manager.newSubManager()) {
            scratch.tempAttachAll(content);
            contentTarget = vgg.extract(content, Set.of(objective.contentLayer())).get(objective.contentLayer());
            contentTarget.attach(manager);
            double total = weights.stream().mapToDouble(Double::doubleValue).sum();
            for (int i = 0; i < styles.size(); i++) {
                scratch.tempAttachAll(styles.get(i));
                double share = weights.get(i) / total;
                vgg.extract(styles.get(i), objective.styleLayerWeights().keySet()).forEach((layer, features) -> {
                    NDArray g = Scalars.times(Losses.gram(features), share);
                    NDArray sum = styleGrams.containsKey(layer) ? styleGrams.get(layer).add(g) : g;
                    styleGrams.put(layer, sum);
                });
            }
            styleGrams.values().forEach(g -> g.attach(manager));
        }
    }

    /** @param image (1, 3, H, W); results live in image's manager */
    public LossTerms evaluate(NDArray image) {
        Map<VggLayer, NDArray> features = vgg.extract(image, taps);
        NDArray content = Scalars.times(
                Losses.content(features.get(objective.contentLayer()), contentTarget, objective.lossForm()),
                objective.contentWeight());
        NDArray style = null;
        for (Map.Entry<VggLayer, Double> layer : objective.styleLayerWeights().entrySet()) {
            NDArray term = Scalars.times(
                    Losses.styleLayer(features.get(layer.getKey()), styleGrams.get(layer.getKey()), objective.lossForm()),
                    layer.getValue());
            style = style == null ? term : style.add(term);
        }
        style = Scalars.times(style, objective.styleWeight());
        NDArray total = content.add(style);
        double tvValue = 0;
        if (objective.tvWeight() > 0) {
            NDArray tv = Scalars.times(Losses.totalVariation(image), objective.tvWeight());
            total = total.add(tv);
            tvValue = Scalars.value(tv);
        }
        return new LossTerms(total, Scalars.value(content), Scalars.value(style), tvValue);
    }
}
