package dev.stylize.engine;

/**
 * The loss stopped being a finite number: settings (learning rate, weights) or the network's
 * weights make the optimisation blow up. Retrying the same job cannot help.
 */
public class OptimizationDivergedException extends RuntimeException {
    public OptimizationDivergedException(String message) {
        super(message);
    }
}
