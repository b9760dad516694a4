package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;

/**
 * One evaluation of the objective: the weighted total to differentiate, and each weighted
 * term as a number for progress reports.
 */
public record LossTerms(NDArray total, double content, double style, double tv) {
    public double totalValue() {
        return content + style + tv;
    }
}
