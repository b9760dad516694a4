package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.tensor.Autograd;
import dev.stylize.engine.tensor.Scalars;
import dev.stylize.engine.tiling.Tile;
import dev.stylize.engine.tiling.TileGrid;
import dev.stylize.engine.tiling.TiledFeatures;
import dev.stylize.plan.Objective;
import dev.stylize.plan.VggLayer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The function the image is optimised against: content features of the photo and Gram
 * matrices of the painting are computed once here (the content features by the first evaluation
 * when that is at the photo), then every {@link #evaluate} compares the image's features to them
 * and returns the loss and its gradient.
 *
 * <p>The gradient is taken in closed form with respect to the activations (see {@link Losses})
 * and only backpropagated through VGG by autograd: differentiating the Gram matrices by autograd
 * costs two more matrix products per layer than the one the closed form needs. An untiled step is
 * one call of VGG's graph ({@link Vgg19Features#evaluate}), which computes there what the tiled
 * path computes op by op here ({@link FeatureMatrix}, {@link Backward}) over tiles; {@code
 * TiledStepTest} holds the two to the same losses and gradient up to rounding.
 *
 * <p>An image larger than the tile size is evaluated in two passes over tiles ({@link TileGrid}),
 * exactly: the first, without gradients, sums each style layer's Gram matrix and the content
 * term over the tiles' own positions; with the Gram matrices known, the gradient at each
 * activation is local, so the second pass backpropagates each tile's own share from its crop and
 * adds the crop's image gradient into the whole gradient. Memory then grows with the tile, not the
 * image; the cost is a second forward pass and the halos' overlap.
 */
public final class StyleObjective {
    private final Vgg19Features vgg;
    private final Objective objective;
    private final Set<VggLayer> taps;
    private final Set<VggLayer> styleLayers;
    private final VggLayer deepest;
    private final int tileSize;
    /**
     * (1, d, h, w): the photo's activations at the content layer; null until the first evaluation
     * when that evaluation's forward pass makes it (see the constructor).
     */
    private NDArray contentTarget;
    /** The number of the content target's elements, known before the target itself. */
    private final long contentSize;
    /** (d, d) per style layer. */
    private final Map<VggLayer, NDArray> styleGrams = new EnumMap<>(VggLayer.class);
    /** Owns the targets for the life of the run. */
    private final NDManager manager;

    /**
     * With several paintings the target Gram matrix of each layer is their weighted mean, as
     * jcjohnson/neural-style blends styles; one painting of weight 1 gives its own Grams.
     *
     * @param manager  owns the targets for the life of the run
     * @param content  (1, 3, H, W) normalised photo
     * @param styles   (1, 3, H', W') normalised paintings
     * @param weights  blend weight of each painting
     * @param tileSize the longest side of a tile's own pixels, a multiple of {@value TileGrid#ALIGNMENT}
     *                 (or {@link Integer#MAX_VALUE}: never tile); targets are computed in tiles too
     */
    public StyleObjective(Vgg19Features vgg, Objective objective, NDManager manager, NDArray content,
                          List<NDArray> styles, List<Double> weights, int tileSize) {
        this(vgg, objective, manager, content, styles, weights, tileSize, false);
    }

    /**
     * @param startsAtContent the first {@link #evaluate} is at {@code content} itself (a run that starts
     *                        from the photo): an untiled objective then takes the content target from that
     *                        evaluation's forward pass, saving a pass of its own. The numbers are the same
     *                        ({@code Vgg19FeaturesTest} holds the two passes to the bit), so a run resumed
     *                        later, which makes the target by a pass of its own, matches an uninterrupted one.
     */
    public StyleObjective(Vgg19Features vgg, Objective objective, NDManager manager, NDArray content,
                          List<NDArray> styles, List<Double> weights, int tileSize, boolean startsAtContent) {
        this.vgg = vgg;
        this.objective = objective;
        this.manager = manager;
        this.tileSize = tileSize;
        this.styleLayers = Collections.unmodifiableSet(EnumSet.copyOf(objective.styleLayerWeights().keySet()));
        this.taps = EnumSet.copyOf(styleLayers);
        taps.add(objective.contentLayer());
        this.deepest = Collections.max(taps);
        this.contentSize = activationShape(content, objective.contentLayer()).size();
        try (NDManager scratch = manager.newSubManager()) {
            scratch.tempAttachAll(content);
            contentTarget = startsAtContent && grid(content).isWhole() ? null
                    : assemble(content, objective.contentLayer(), manager);
            double total = weights.stream().mapToDouble(Double::doubleValue).sum();
            for (int i = 0; i < styles.size(); i++) {
                scratch.tempAttachAll(styles.get(i));
                double share = weights.get(i) / total;
                paintingGrams(styles.get(i), manager).forEach((layer, g) ->
                        styleGrams.merge(layer, g.muli(Scalars.like(g, share)), NDArray::addi));
            }
        }
    }

    /**
     * The loss at {@code image} and its gradient.
     *
     * @param image (1, 3, H, W), left unchanged; the results and every temporary live in its manager
     */
    public LossTerms evaluate(NDArray image) {
        TileGrid grid = grid(image);
        LossTerms vggTerms = grid.isWhole() ? evaluateWhole(image, grid) : evaluateTiled(image, grid);
        double tv = addTotalVariation(image, vggTerms.gradient());
        return new LossTerms(vggTerms.gradient(), vggTerms.content(), vggTerms.style(), tv);
    }

    /**
     * One pass: Gram matrices from the same activations the gradient flows back through, all in one
     * call of the graph ({@link Vgg19Features#evaluate}); the terms' sums come back to the host
     * together, once per step (each read is a wait for the device).
     */
    private LossTerms evaluateWhole(NDArray image, TileGrid grid) {
        double[] weights = new double[styleGrams.size() + 1];
        double[] gradientFactors = new double[weights.length];
        int i = 0;
        for (VggLayer layer : styleGrams.keySet()) { // the order the graph takes the terms in
            weights[i] = styleCoefficient(layer, grid);
            gradientFactors[i] = Losses.STYLE_GRADIENT * weights[i];
            i++;
        }
        weights[i] = contentCoefficient();
        gradientFactors[i] = Losses.CONTENT_GRADIENT * weights[i];
        Vgg19Features.SquaredTerms terms;
        try (Autograd recording = Autograd.record()) {
            terms = vgg.evaluate(image, styleGrams, objective.contentLayer(), contentTarget, gradientFactors);
        }
        if (contentTarget == null) {
            contentTarget = terms.contentFeatures();
            contentTarget.attach(manager);
        }
        double style = 0;
        for (int k = 0; k < i; k++) {
            style += weights[k] * terms.sum(k);
        }
        return new LossTerms(terms.gradient(), weights[i] * terms.sum(i), style, 0);
    }

    /** Two passes over tiles; see the class comment. */
    private LossTerms evaluateTiled(NDArray image, TileGrid grid) {
        NDManager step = image.getManager();
        VggLayer contentLayer = objective.contentLayer();
        Map<VggLayer, NDArray> grams = new EnumMap<>(VggLayer.class);
        double[] content = {0};
        TiledFeatures.forEachTile(vgg, image, grid, taps, (tile, own) -> {
            own.forEach((layer, features) -> {
                if (styleLayers.contains(layer)) {
                    accumulate(grams, layer, matrix(features).gram(), step);
                }
            });
            if (own.containsKey(contentLayer)) {
                NDArray t = own.get(contentLayer);
                NDArray difference = t.sub(targetAt(tile, t.getManager()));
                content[0] += contentCoefficient() * Scalars.value(difference.square().sum());
            }
        });
        double style = 0;
        Map<VggLayer, NDArray> multipliers = new EnumMap<>(VggLayer.class);
        for (VggLayer layer : styleLayers) {
            NDArray difference = grams.get(layer).sub(styleGrams.get(layer));
            double c = styleCoefficient(layer, grid);
            style += c * Scalars.value(difference.square().sum());
            multipliers.put(layer, Scalars.times(difference, Losses.STYLE_GRADIENT * c));
        }

        NDArray gradient = image.zerosLike();
        for (Tile tile : grid.tiles()) {
            try (NDManager scope = step.newSubManager()) {
                // Borrowed, so that the crops, products and sums made from them are freed with this
                // tile: a product with a step-long multiplier would otherwise live until the step
                // ends, an activation-sized array per style layer and tile.
                scope.tempAttachAll(image, gradient);
                scope.tempAttachAll(multipliers.values().toArray(NDArray[]::new));
                NDArray crop = image.get(tile.crop()).duplicate();
                crop.setRequiresGradient(true);
                NDArray cropGradient;
                try (Autograd recording = Autograd.record()) {
                    cropGradient = tileGradient(tile, crop, multipliers);
                }
                gradient.set(tile.crop(), gradient.get(tile.crop()).add(cropGradient));
            }
        }
        return new LossTerms(gradient, content[0], style, 0);
    }

    /**
     * The image gradient of one tile's own share of the loss, with the Gram matrices known.
     *
     * @param multipliers 4c·(G−A) per style layer, G the whole image's Gram matrix
     */
    private NDArray tileGradient(Tile tile, NDArray crop, Map<VggLayer, NDArray> multipliers) {
        Map<VggLayer, NDArray> features = vgg.extract(crop, taps);
        Backward backward = new Backward();
        for (VggLayer layer : styleLayers) {
            if (tile.ownsPositionsAt(layer)) {
                NDArray own = features.get(layer).get(tile.ownInCrop(layer));
                backward.add(own, matrix(own.stopGradient()).leftMultipliedBy(multipliers.get(layer)));
            }
        }
        VggLayer contentLayer = objective.contentLayer();
        if (tile.ownsPositionsAt(contentLayer)) {
            NDArray own = features.get(contentLayer).get(tile.ownInCrop(contentLayer));
            addContent(own, targetAt(tile, crop.getManager()), backward);
        }
        return backward.run(crop);
    }

    /** The content target at a tile's own positions, as an array of {@code scope}. */
    private NDArray targetAt(Tile tile, NDManager scope) {
        NDArray target = contentTarget.get(tile.ownInImage(objective.contentLayer()));
        target.attach(scope);
        return target;
    }

    /** Adds {@code g} into {@code sums}; the first of a layer is kept in {@code manager}. */
    private static void accumulate(Map<VggLayer, NDArray> sums, VggLayer layer, NDArray g, NDManager manager) {
        NDArray sum = sums.get(layer);
        if (sum == null) {
            g.attach(manager);
            sums.put(layer, g);
        } else {
            sum.addi(g);
        }
    }

    private FeatureMatrix matrix(NDArray features) {
        return FeatureMatrix.of(features, vgg.channelsLast());
    }

    /** Adds the content term's gradient 2c·(T−C) at {@code t} to {@code backward}; returns the term. */
    private double addContent(NDArray t, NDArray target, Backward backward) {
        NDArray difference = t.stopGradient().sub(target);
        double c = contentCoefficient();
        backward.add(t, Scalars.times(difference, Losses.CONTENT_GRADIENT * c));
        return c * Scalars.value(difference.square().sum());
    }

    private double contentCoefficient() {
        return objective.contentWeight() * Losses.contentScale(objective.lossForm(), contentSize);
    }

    /** The style term's weight at {@code layer}, normalised by the whole image's feature map. */
    private double styleCoefficient(VggLayer layer, TileGrid grid) {
        int k = layer.poolings();
        long positions = (long) (grid.height() >> k) * (grid.width() >> k);
        return objective.styleWeight() * objective.styleLayerWeights().get(layer)
                * Losses.styleScale(objective.lossForm(), layer.outChannels(), positions);
    }

    /** Adds the total-variation term's gradient to {@code gradient}; returns the term (0 without weight). */
    private double addTotalVariation(NDArray image, NDArray gradient) {
        if (objective.tvWeight() <= 0) {
            return 0;
        }
        // Its image-sized temporaries are freed as soon as the term is added, not with the step.
        try (NDManager scope = image.getManager().newSubManager();
             Autograd recording = Autograd.record()) {
            scope.tempAttachAll(image, gradient);
            NDArray x = image.duplicate();
            x.setRequiresGradient(true);
            NDArray tv = Scalars.times(Losses.totalVariation(x), objective.tvWeight());
            recording.backward(tv);
            gradient.addi(x.getGradient());
            return Scalars.value(tv);
        }
    }

    private TileGrid grid(NDArray image) {
        Shape s = image.getShape();
        return TileGrid.of((int) s.get(3), (int) s.get(2), tileSize, deepest);
    }

    /** The whole image's activations at {@code layer}, assembled from tiles, in {@code manager}. */
    private NDArray assemble(NDArray image, VggLayer layer, NDManager manager) {
        TileGrid grid = grid(image);
        NDArray whole = manager.zeros(activationShape(image, layer), image.getDataType());
        TiledFeatures.forEachTile(vgg, image, grid, Set.of(layer), (tile, own) -> {
            if (own.containsKey(layer)) {
                whole.set(tile.ownInImage(layer), own.get(layer));
            }
        });
        return whole;
    }

    /** (1, d, h, w) of the whole image's activations at {@code layer}. */
    private static Shape activationShape(NDArray image, VggLayer layer) {
        Shape s = image.getShape();
        int k = layer.poolings();
        return new Shape(1, layer.outChannels(), s.get(2) >> k, s.get(3) >> k);
    }

    /** {@link #grams} of a painting, remembered by the network for the next run that uses it. */
    private Map<VggLayer, NDArray> paintingGrams(NDArray painting, NDManager manager) {
        String summing = "layers " + styleLayers + " over tiles of " + tileSize + " px to " + deepest;
        return vgg.memo().grams(painting, summing, manager, () -> grams(painting, manager));
    }

    /** The Gram matrices of every style layer, summed over tiles, in {@code manager}. */
    private Map<VggLayer, NDArray> grams(NDArray image, NDManager manager) {
        Map<VggLayer, NDArray> grams = new EnumMap<>(VggLayer.class);
        TiledFeatures.forEachTile(vgg, image, grid(image), styleLayers, (tile, own) ->
                own.forEach((layer, features) -> accumulate(grams, layer, matrix(features).gram(), manager)));
        return grams;
    }

    /** Activations and the closed-form gradients of the loss at them, backpropagated together. */
    private final class Backward {
        private final List<NDArray> outputs = new ArrayList<>();
        private final List<NDArray> gradients = new ArrayList<>();

        void add(NDArray output, NDArray gradient) {
            outputs.add(output);
            gradients.add(gradient);
        }

        /** @return d(loss)/d(input) */
        NDArray run(NDArray input) {
            return vgg.backward(outputs, gradients, input);
        }
    }
}
