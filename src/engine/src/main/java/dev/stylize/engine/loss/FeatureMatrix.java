package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Activations (1, d, h, w) as a matrix without a copy: F, (d, h*w), when they are
 * channels-first in memory; Fᵀ, (h*w, d), when channels-last. Copying a 512 px image's conv1_1
 * activations into the other layout would cost as much as the product itself. The untiled step's
 * graph ({@code evaluate} in {@code tools/engine/export_vgg19.py}) writes the same two rules.
 */
final class FeatureMatrix {
    private final NDArray matrix;
    private final Shape shape;
    private final boolean channelsLast;

    private FeatureMatrix(NDArray matrix, Shape shape, boolean channelsLast) {
        this.matrix = matrix;
        this.shape = shape;
        this.channelsLast = channelsLast;
    }

    /** @param channelsLast how {@code features} lie in memory (see {@code Vgg19Features#channelsLast}) */
    static FeatureMatrix of(NDArray features, boolean channelsLast) {
        Shape s = features.getShape();
        NDArray matrix = channelsLast
                ? features.transpose(0, 2, 3, 1).reshape(s.get(2) * s.get(3), s.get(1))
                : features.reshape(s.get(1), s.get(2) * s.get(3));
        return new FeatureMatrix(matrix, s, channelsLast);
    }

    /** The unnormalised Gram matrix G = F Fᵀ, (d, d). */
    NDArray gram() {
        return channelsLast ? matrix.transpose().matMul(matrix) : matrix.matMul(matrix.transpose());
    }

    /** M F for a symmetric (d, d) M, as (1, d, h, w) in the activations' own layout. */
    NDArray leftMultipliedBy(NDArray symmetric) {
        return channelsLast
                ? matrix.matMul(symmetric).reshape(1, shape.get(2), shape.get(3), shape.get(1)).transpose(0, 3, 1, 2)
                : symmetric.matMul(matrix).reshape(shape);
    }
}
