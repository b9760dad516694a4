package dev.stylize.engine;

/**
 * What one optimisation step measured. Losses are those of the image before the step's
 * update (the values the gradient was taken from), already weighted.
 *
 * @param step   1-based number of the step just taken
 * @param millis wall time of the step
 */
public record StepReport(int step, double loss, double contentLoss, double styleLoss, double tvLoss, double millis) {
}
