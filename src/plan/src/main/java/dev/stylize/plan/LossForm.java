package dev.stylize.plan;

/**
 * How the loss terms are normalised. Both use the same features and Gram matrices; they
 * differ only in the constants, which is what makes their weights incomparable.
 */
public enum LossForm {
    /**
     * The seed notebook: content = mean((T-C)^2); each style layer =
     * mean((G-A)^2) / (d*h*w) with unnormalised Gram matrices.
     */
    SEED,
    /**
     * Gatys et al. 2016: content = 1/2 sum((F-P)^2); each style layer =
     * sum((G-A)^2) / (4 N^2 M^2), N channels, M = h*w.
     */
    PAPER
}
