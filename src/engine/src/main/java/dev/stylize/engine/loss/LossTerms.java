package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;

/**
 * One evaluation of the objective: each weighted term as a number, and the gradient of their
 * sum with respect to the image.
 *
 * @param gradient (1, 3, H, W), in the evaluated image's manager
 */
public record LossTerms(NDArray gradient, double content, double style, double tv) {
    public double totalValue() {
        return content + style + tv;
    }
}
